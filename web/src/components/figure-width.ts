/**
 * The width, in CSS pixels, to ask the server to draw a page's pictures at: the figure column of the
 * page on screen (the whole page on a phone), at most the desktop size. Drawn at that width, a
 * picture is shown unscaled, so its text keeps the plotting kit's sizes (11 px and up).
 */
export function figureWidth(max = 760): number {
  const column = [...document.querySelectorAll<HTMLElement>("section.page .figures")].find((el) => el.offsetParent !== null);
  const main = document.querySelector<HTMLElement>("main");
  const w = column?.clientWidth ?? main?.clientWidth ?? window.innerWidth - 24;
  return Math.max(280, Math.min(max, Math.floor(w) - 2));
}
