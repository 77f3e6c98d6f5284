import { describe, expect, it } from "vitest";
import { border, boxStyle, color, cssValue, radius, space, spacing } from "../src/widgets/style";

describe("style mapping", () => {
  it("turns spacing units into 4px steps and passes CSS lengths", () => {
    expect(space(3)).toBe("calc(3 * 0.25rem)");
    expect(space("12px")).toBe("12px");
    expect(spacing({ x: 2, top: "1em" }, "padding")).toEqual({
      paddingTop: "1em",
      paddingLeft: "calc(2 * 0.25rem)",
      paddingRight: "calc(2 * 0.25rem)",
    });
    expect(spacing(4, "margin")).toEqual({ margin: "calc(4 * 0.25rem)" });
  });

  it("resolves colour tokens per kind, ThemeColor per scheme, primitives and raw CSS", () => {
    expect(color("secondary", "light")).toBe("var(--ck-text-2)");
    expect(color("surface-secondary", "light", "surface")).toBe("var(--ck-surface)");
    expect(color("strong", "dark", "border")).toBe("var(--ck-border-strong)");
    expect(color({ light: "danger", dark: "#123456" }, "dark")).toBe("#123456");
    expect(color({ light: "danger", dark: "#123456" }, "light")).toBe("var(--ck-danger)");
    expect(color("blue-600", "light")).toMatch(/^hsl\(217 /);
    expect(color("alpha-70", "light")).toContain("70%");
    expect(color("rgb(1, 2, 3)", "light")).toBe("rgb(1, 2, 3)");
  });

  it("keeps hostile values inside one declaration and refuses fetching ones", () => {
    expect(cssValue("red;} body{display:none")).toBe("red bodydisplay:none");
    expect(cssValue("url(https://t.test/x.gif)")).toBeUndefined();
    expect(cssValue("image-set('a.png' 1x)")).toBeUndefined();
    expect(color("\\75 rl(x)", "light")).toBeUndefined();
  });

  it("maps borders, radii and box layout", () => {
    expect(border(2, "light")).toEqual({ border: "2px solid var(--ck-border)" });
    expect(border({ size: 1, style: "dashed", color: "danger" }, "light")).toEqual({ border: "1px dashed var(--ck-danger)" });
    expect(border({ bottom: 1, x: { size: 3 } }, "light")).toEqual({
      borderBottom: "1px solid var(--ck-border)",
      borderLeft: "3px solid var(--ck-border)",
      borderRight: "3px solid var(--ck-border)",
    });
    expect(radius("full")).toBe("9999px");
    expect(radius("bogus")).toBeUndefined();
    const box = boxStyle({ align: "center", justify: "between", gap: 2, width: 120, aspectRatio: 1.5, wrap: "wrap" }, "light");
    expect(box).toMatchObject({
      alignItems: "center",
      justifyContent: "space-between",
      gap: "calc(2 * 0.25rem)",
      width: "120px",
      aspectRatio: "1.5",
      flexWrap: "wrap",
    });
  });
});
