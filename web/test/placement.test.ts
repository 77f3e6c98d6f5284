import { afterEach, describe, expect, it } from "vitest";
import { alignOf, placeBeside, sideOf } from "../src/widgets/placement";

/** An anchor at (x, y) of w × h and a popup of pw × ph in a 1000 × 800 viewport. */
function setup(anchor: { x: number; y: number; w: number; h: number }, pw = 200, ph = 100) {
  Object.assign(window, { innerWidth: 1000, innerHeight: 800 });
  const a = document.createElement("div");
  const p = document.createElement("div");
  document.body.append(a, p);
  a.getBoundingClientRect = () =>
    ({
      left: anchor.x,
      top: anchor.y,
      right: anchor.x + anchor.w,
      bottom: anchor.y + anchor.h,
      width: anchor.w,
      height: anchor.h,
    }) as DOMRect;
  Object.defineProperty(p, "offsetWidth", { value: pw });
  Object.defineProperty(p, "offsetHeight", { value: ph });
  return { a, p, at: () => [Number.parseFloat(p.style.left), Number.parseFloat(p.style.top)] };
}

afterEach(() => document.body.replaceChildren());

describe("placeBeside (DatePicker side/align)", () => {
  it("puts the popup on the asked side with the asked alignment", () => {
    const { a, p, at } = setup({ x: 300, y: 400, w: 120, h: 30 });
    expect(placeBeside(p, a, "top", "end")).toBe("top");
    expect(at()).toEqual([420 - 200, 400 - 4 - 100]);
    expect(placeBeside(p, a, "bottom", "center")).toBe("bottom");
    expect(at()).toEqual([300 + (120 - 200) / 2, 434]);
    expect(placeBeside(p, a, "right", "start")).toBe("right");
    expect(at()).toEqual([424, 400]);
    expect(placeBeside(p, a, "left", "end")).toBe("left");
    expect(at()).toEqual([300 - 4 - 200, 430 - 100]);
  });

  it("flips to the other side when the asked one has no room, and stays in the viewport", () => {
    const { a, p, at } = setup({ x: 900, y: 20, w: 80, h: 30 });
    expect(placeBeside(p, a, "top", "start")).toBe("bottom");
    expect(at()).toEqual([1000 - 200 - 4, 54]); // start would overflow the right edge
    expect(placeBeside(p, a, "right", "start")).toBe("left");
  });

  it("reads side and align from widget props, defaulting to bottom / start", () => {
    expect([sideOf("left"), sideOf("nope"), sideOf(undefined)]).toEqual(["left", "bottom", "bottom"]);
    expect([alignOf("center"), alignOf(3)]).toEqual(["center", "start"]);
  });
});
