/** The explorer shell: navigation between the four pages, each restoring its view from the URL. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { getJson, messageOf, type Meta } from "./api.js";
import { CurvaturePage, curvatureState } from "./pages/curvature-page.js";
import { HessianPage, hessianState } from "./pages/hessian-page.js";
import { LandscapePage, landscapeState } from "./pages/landscape-page.js";
import { NetworkPage, networkState } from "./pages/network-page.js";
import { pageFromHash, PAGES, readHash, type PageName } from "./url-state.js";

const TITLES: Record<PageName, string> = { curvature: "Curvature", network: "Network convexity", landscape: "Landscape", hessian: "Hessian" };

export function App() {
  const [page, setPage] = useState<PageName>(() => pageFromHash(readHash()));
  const [meta, setMeta] = useState<Meta | null>(null);
  const [metaError, setMetaError] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    getJson<Meta>("/api/meta", ctl.signal)
      .then(setMeta)
      .catch((e: unknown) => setMetaError(messageOf(e)));
    const onHash = (): void => setPage(pageFromHash(readHash()));
    window.addEventListener("hashchange", onHash);
    return () => {
      ctl.abort();
      window.removeEventListener("hashchange", onHash);
    };
  }, []);

  // Parsed once per page visit: the page owns its state from then on and writes it back to the URL.
  const view = useMemo(() => {
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
    }
  }, [page, meta]);

  return (
    <div class="app">
      <header>
        <h1>
          losscape <span class="muted">is it convex? prove it, and see the landscape</span>
        </h1>
        <nav>
          {PAGES.map((p) => (
            <a key={p} href={`#page=${p}`} class={p === page ? "active" : ""} data-testid={`nav-${p}`}>
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
      {meta ? <main key={page}>{view}</main> : metaError ? null : <p class="muted">loading…</p>}
      <footer class="muted">losscape {meta?.version ?? ""} · all analysis runs in the local server; the URL holds the view, so it can be shared.</footer>
    </div>
  );
}
