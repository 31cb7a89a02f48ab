/** Saving a figure: its SVG text as is, or a PNG rendered by the browser at twice the size. */

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadSvg(name: string, svg: string): void {
  downloadBlob(`${name}.svg`, new Blob([svg], { type: "image/svg+xml" }));
}

export function downloadCanvasPng(name: string, canvas: HTMLCanvasElement): void {
  canvas.toBlob((blob) => {
    if (blob) downloadBlob(`${name}.png`, blob);
  }, "image/png");
}

export function downloadSvgAsPng(name: string, svg: string, scale = 2): void {
  const img = new Image();
  img.onload = () => {
    const c = document.createElement("canvas");
    c.width = Math.max(1, Math.round(img.naturalWidth * scale));
    c.height = Math.max(1, Math.round(img.naturalHeight * scale));
    const ctx = c.getContext("2d");
    if (!ctx) return;
    // A white ground, as the SVG's own background is transparent outside its shapes.
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.drawImage(img, 0, 0, c.width, c.height);
    downloadCanvasPng(name, c);
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
