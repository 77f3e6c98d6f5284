// Places a top-layer popup beside its anchor: `side` is where it goes (flipped to the
// other side when there is no room there), `align` how it lines up along that side
// (start/center/end, mirrored in right-to-left text); it always stays in the viewport.
export type Side = "top" | "bottom" | "left" | "right";
export type Align = "start" | "center" | "end";

const GAP = 4;
const SIDES: readonly string[] = ["top", "bottom", "left", "right"];
const ALIGNS: readonly string[] = ["start", "center", "end"];

export const sideOf = (v: unknown): Side => (typeof v === "string" && SIDES.includes(v) ? (v as Side) : "bottom");
export const alignOf = (v: unknown): Align => (typeof v === "string" && ALIGNS.includes(v) ? (v as Align) : "start");

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(v, hi));

export function placeBeside(popup: HTMLElement, anchor: HTMLElement, side: Side, align: Align): Side {
  const a = anchor.getBoundingClientRect();
  const w = popup.offsetWidth;
  const h = popup.offsetHeight;
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const room: Record<Side, number> = { top: a.top, bottom: vh - a.bottom, left: a.left, right: vw - a.right };
  const need = side === "top" || side === "bottom" ? h : w;
  const opposite: Record<Side, Side> = { top: "bottom", bottom: "top", left: "right", right: "left" };
  const used = room[side] - GAP >= need || room[side] >= room[opposite[side]] ? side : opposite[side];
  const rtl = getComputedStyle(anchor).direction === "rtl";
  let top: number;
  let left: number;
  if (used === "top" || used === "bottom") {
    top = used === "bottom" ? a.bottom + GAP : a.top - GAP - h;
    const start = rtl ? a.right - w : a.left;
    const end = rtl ? a.left : a.right - w;
    left = align === "center" ? a.left + (a.width - w) / 2 : align === "end" ? end : start;
  } else {
    left = used === "right" ? a.right + GAP : a.left - GAP - w;
    top = align === "center" ? a.top + (a.height - h) / 2 : align === "end" ? a.bottom - h : a.top;
  }
  popup.style.top = `${clamp(top, GAP, vh - h - GAP)}px`;
  popup.style.left = `${clamp(left, GAP, vw - w - GAP)}px`;
  popup.dataset.side = used;
  return used;
}
