/** The link from a model on another page to the Landscape page with that very model (its spec in the URL). */
export function landscapeLinkFor(spec: Record<string, unknown>): string {
  const params = new URLSearchParams();
  params.set("page", "landscape");
  params.set("spec", JSON.stringify(spec));
  return `#${params.toString()}`;
}
