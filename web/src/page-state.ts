/**
 * A page's view state tied to the URL: the page follows the hash whenever it changes to this page
 * (typed into the address bar, Back, Forward, a link), and writes its own edits back. `revision`
 * counts the changes that came from outside, so text drafts know when to take the new value.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { pageFromHash, readHash, stateKey, writeHash, type Field, type PageName, type StateOf, type StateRegistry } from "./url-state.js";

export interface PageState<T> {
  value: T;
  set(next: T): void;
  problems: string[];
  /** Increments each time the state was replaced from the URL. */
  revision: number;
  /** Mark the current URL as an analysed view (a history entry Back returns to). */
  analysed(): void;
  /** This page is the one the URL shows. */
  active: boolean;
}

export function usePageState<S extends Record<string, Field>>(page: PageName, registry: StateRegistry<S>, initial: StateOf<S>, initialProblems: string[]): PageState<StateOf<S>> {
  const [value, setValue] = useState(initial);
  const [problems, setProblems] = useState(initialProblems);
  const [revision, setRevision] = useState(0);
  const [active, setActive] = useState(() => pageFromHash(readHash()) === page);
  const current = useRef(value);
  current.current = value;
  // A state taken from the URL is not written back (that would push an entry on Back).
  const fromUrl = useRef(true);

  useEffect(() => {
    const follow = (): void => {
      const params = readHash();
      setActive(pageFromHash(params) === page);
      if (pageFromHash(params) !== page) return;
      const parsed = registry.parse(params);
      if (stateKey(registry, parsed.value) === stateKey(registry, current.current)) return;
      fromUrl.current = true;
      current.current = parsed.value;
      setValue(parsed.value);
      setProblems(parsed.problems);
      setRevision((r) => r + 1);
    };
    window.addEventListener("hashchange", follow);
    window.addEventListener("popstate", follow);
    return () => {
      window.removeEventListener("hashchange", follow);
      window.removeEventListener("popstate", follow);
    };
  }, []);

  useEffect(() => {
    if (fromUrl.current) {
      fromUrl.current = false;
      return;
    }
    if (pageFromHash(readHash()) === page) writeHash(page, registry, value);
  }, [value]);

  return {
    value,
    set: (next) => {
      fromUrl.current = false;
      current.current = next;
      setValue(next);
    },
    problems,
    revision,
    active,
    analysed: () => {
      if (pageFromHash(readHash()) === page) writeHash(page, registry, current.current, true);
    },
  };
}
