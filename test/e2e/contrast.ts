// Text the page shows below WCAG AA contrast (4.5:1), measured by Chromium on what it rendered:
// each element's computed colour against the background it actually sits on (translucent layers
// blended up to the first opaque one).
import type { Page } from 'playwright-core';

export const WCAG_AA = 4.5;

/** One line per legible-text failure: "2.31 BUTTON.danger "Kill" (#ffffff on #ffebe9)". */
export function lowContrastText(page: Page): Promise<string[]> {
  // A function, not a string: the page's CSP forbids eval, and Playwright would eval a string.
  return page.evaluate((minimum) => {
    type Rgba = [number, number, number, number];
    interface El {
      tagName: string;
      className: string;
      textContent: string | null;
      offsetParent: unknown;
      disabled?: boolean;
      parentElement: El | null;
    }
    const g = globalThis as unknown as {
      document: { querySelectorAll(selector: string): Iterable<El> };
      getComputedStyle(el: El): { color: string; backgroundColor: string };
    };
    const parse = (css: string): Rgba | null => {
      const srgb = /^color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?/.exec(css);
      if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
      const rgb = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?/.exec(css);
      return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), rgb[4] === undefined ? 1 : Number(rgb[4])] : null;
    };
    const luminance = (c: number[]) => {
      const lin = c.slice(0, 3).map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
    };
    const backgroundOf = (el: El): number[] => {
      const layers: Rgba[] = [];
      for (let e: El | null = el; e; e = e.parentElement) {
        const c = parse(g.getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) layers.push(c);
        if (c && c[3] >= 1) break;
      }
      let under = [255, 255, 255];
      for (const c of layers.reverse()) under = under.map((v, i) => v * (1 - c[3]) + c[i]! * c[3]);
      return under;
    };
    const hex = (c: number[]) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
    const failures: string[] = [];
    for (const el of g.document.querySelectorAll('body *')) {
      // Elements that show text of their own, and are laid out (offsetParent is null when hidden).
      const own = [...(el as unknown as { childNodes: Iterable<{ nodeType: number; textContent: string | null }> }).childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
      if (!own || el.offsetParent === null || el.disabled) continue;
      const fg = parse(g.getComputedStyle(el).color);
      if (!fg) continue;
      const bg = backgroundOf(el);
      const shown = fg.slice(0, 3).map((v, i) => v * fg[3] + bg[i]! * (1 - fg[3]));
      const [hi, lo] = [luminance(shown), luminance(bg)].sort((a, b) => b - a) as [number, number];
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < minimum) failures.push(`${ratio.toFixed(2)} ${el.tagName}.${el.className} "${el.textContent!.trim().slice(0, 30)}" (${hex(shown)} on ${hex(bg)})`);
    }
    return failures;
  }, WCAG_AA);
}
