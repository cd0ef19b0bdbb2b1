/**
 * Saving the profiler: CSV of its series, PNG of its charts (their canvases drawn onto one).
 */

/** Offers `blob` as a download named `name`. */
export function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every chart canvas under `root`, stacked into one PNG with a background. */
export async function chartsPng(root: HTMLElement): Promise<Blob | null> {
  const canvases = [...root.querySelectorAll('canvas')];
  if (canvases.length === 0) return null;
  const pad = 16;
  const width = Math.max(...canvases.map((c) => c.width)) + pad * 2;
  const height = canvases.reduce((h, c) => h + c.height + pad, pad);
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle =
    getComputedStyle(document.documentElement).getPropertyValue('--surface').trim() || '#fff';
  ctx.fillRect(0, 0, width, height);
  let y = pad;
  for (const c of canvases) {
    ctx.drawImage(c, pad, y);
    y += c.height + pad;
  }
  return new Promise((resolve) => out.toBlob((b) => resolve(b), 'image/png'));
}
