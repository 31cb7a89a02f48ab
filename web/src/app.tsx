/** The explorer shell: navigation between the four pages, each restoring its view from the URL. */
import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf, type Meta } from "./api.js";
import { CurvaturePage, curvatureState } from "./pages/curvature-page.js";
import { HessianPage, hessianState } from "./pages/hessian-page.js";
import { LandscapePage, landscapeState } from "./pages/landscape-page.js";
import { NetworkPage, networkState } from "./pages/network-page.js";
import { SymmetryPage, symmetryState } from "./pages/symmetry-page.js";
import { HASH_WRITTEN, lastHashOf, noteHash, pageFromHash, PAGES, readHash, type PageName } from "./url-state.js";

const TITLES: Record<PageName, string> = { curvature: "Curvature", network: "Network convexity", landscape: "Landscape", hessian: "Hessian", symmetry: "Symmetry" };

/**
 * Enter in a page's field runs that page's main action (the button marked data-run), as in a form;
 * fields inside a real <form> submit it themselves. The click waits a tick so that the field's
 * change has reached the page's state first.
 */
function runOnEnter(e: KeyboardEvent): void {
  const t = e.target as HTMLElement;
  if (e.key !== "Enter" || e.isComposing || !(t instanceof HTMLInputElement || t instanceof HTMLSelectElement)) return;
  if (t instanceof HTMLInputElement && ["checkbox", "radio", "button", "submit", "range"].includes(t.type)) return;
  if (t.closest("form")) return;
  const page = t.closest("section.page");
  const run = page?.querySelector<HTMLButtonElement>("button[data-run]");
  if (!run) return;
  e.preventDefault();
  t.dispatchEvent(new Event("change", { bubbles: true }));
  setTimeout(() => {
    if (!run.disabled) run.click();
  }, 0);
}

export function App() {
  const [page, setPage] = useState<PageName>(() => pageFromHash(readHash()));
  // Pages stay mounted once visited, so a tab keeps its results (and a running job) while another is shown.
  const [visited, setVisited] = useState<ReadonlySet<PageName>>(() => new Set([pageFromHash(readHash())]));
  const [, setHashSeen] = useState(0);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [metaError, setMetaError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    getJson<Meta>("/api/meta", ctl.signal)
      .then(setMeta)
      .catch((e: unknown) => setMetaError(messageOf(e)));
    noteHash();
    const onHash = (): void => {
      noteHash();
      const p = pageFromHash(readHash());
      setPage(p);
      setVisited((v) => (v.has(p) ? v : new Set([...v, p])));
      setHashSeen((n) => n + 1);
    };
    // popstate covers Back/Forward between entries that pushState made; HASH_WRITTEN refreshes the tab links.
    const onWritten = (): void => setHashSeen((n) => n + 1);
    window.addEventListener("hashchange", onHash);
    window.addEventListener("popstate", onHash);
    window.addEventListener(HASH_WRITTEN, onWritten);
    return () => {
      ctl.abort();
      window.removeEventListener("hashchange", onHash);
      window.removeEventListener("popstate", onHash);
      window.removeEventListener(HASH_WRITTEN, onWritten);
    };
  }, []);

  // Parsed when a page mounts; from then on the page follows the hash itself (usePageState).
  const render = (page: PageName) => {
    const params = readHash();
    switch (page) {
      case "curvature": {
        const p = curvatureState.parse(params);
        return <CurvaturePage meta={meta} initial={p.value} problems={p.problems} />;
      }
      case "network": {
        const p = networkState.parse(params);
        return <NetworkPage meta={meta} initial={p.value} problems={p.problems} />;
      }
      case "landscape": {
        const p = landscapeState.parse(params);
        return <LandscapePage meta={meta} initial={p.value} problems={p.problems} />;
      }
      case "hessian": {
        const p = hessianState.parse(params);
        return <HessianPage meta={meta} initial={p.value} problems={p.problems} />;
      }
      case "symmetry": {
        const p = symmetryState.parse(params);
        return <SymmetryPage meta={meta} initial={p.value} problems={p.problems} />;
      }
    }
  };

  return (
    <div class="app">
      <header>
        <h1>
          losscape <span class="muted">is it convex? prove it, and see the landscape</span>
        </h1>
        <nav aria-label="pages">
          {PAGES.map((p) => (
            <a key={p} href={lastHashOf(p)} class={p === page ? "active" : ""} aria-current={p === page ? "page" : undefined} data-testid={`nav-${p}`}>
              {TITLES[p]}
            </a>
          ))}
        </nav>
      </header>
      {metaError ? (
        <div class="error" role="alert">
          cannot reach the losscape server: {metaError}
        </div>
      ) : null}
      {meta ? (
        <main onKeyDown={runOnEnter}>
          {PAGES.filter((p) => visited.has(p)).map((p) => (
            <div key={p} hidden={p !== page}>
              {render(p)}
            </div>
          ))}
        </main>
      ) : metaError ? null : (
        <p class="muted">loading…</p>
      )}
      <footer class="muted">losscape {meta?.version ?? ""} · all analysis runs in the local server; the URL holds the view, so it can be shared.</footer>
    </div>
  );
}
