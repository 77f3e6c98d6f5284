import { describe, expect, it } from "vitest";
import { contrastOn, themeVariables } from "../src/ui/theme";

describe("theme options (meanings of the official ThemeOption)", () => {
  it("color.surface: background is the surface, foreground its text and icon colour", () => {
    const v = themeVariables({ colorScheme: "dark", color: { surface: { background: "#0d1117", foreground: "#e6edf3" } } });
    expect(v["--ck-bg"]).toBe("#0d1117");
    expect(v["--ck-text"]).toBe("#e6edf3");
    // Raised fills, borders and secondary text lie between the two.
    for (const key of ["--ck-surface", "--ck-surface-2", "--ck-border", "--ck-text-2", "--ck-text-3"]) {
      expect(v[key]).toMatch(/^color-mix\(in srgb, #e6edf3 [\d.]+%, #0d1117\)$/);
    }
    expect(v["--ck-surface"]).not.toBe("#e6edf3"); // the foreground is never a fill
  });

  it("without surface colours the greys come from grayscale hue, tint and shade", () => {
    const plain = themeVariables({});
    expect(plain["--ck-bg"]).toBe("hsl(220 0% 100.0%)");
    const tinted = themeVariables({ colorScheme: "dark", color: { grayscale: { hue: 30, tint: 5, shade: -2 } } });
    expect(tinted["--ck-bg"]).toBe("hsl(30 11% 9.0%)");
    expect(tinted["--ck-text"]).toBe("hsl(30 11% 96.0%)");
  });

  it("one surface colour alone still anchors the ramp", () => {
    const v = themeVariables({ color: { surface: { background: "#fdf6e3" } as { background: string; foreground: string } } });
    expect(v["--ck-bg"]).toBe("#fdf6e3");
    expect(v["--ck-surface"]).toContain("#fdf6e3");
  });

  it("accent level sets how strongly the accent tints; text takes it from level 2", () => {
    const low = themeVariables({ color: { accent: { primary: "#2d8cff", level: 0 } } });
    const high = themeVariables({ color: { accent: { primary: "#2d8cff", level: 3 } } });
    expect(low["--ck-accent-soft"]).toContain(" 6%");
    expect(high["--ck-accent-soft"]).toContain(" 24%");
    expect(low["--ck-accent-text"]).toBe(low["--ck-text"]);
    expect(high["--ck-accent-text"]).toBe("#2d8cff");
  });

  it("values cannot end the CSS rule they go into", () => {
    const v = themeVariables({ color: { surface: { background: "red;}:host{display:none", foreground: "#000" } } });
    expect(v["--ck-bg"]).not.toMatch(/[;{}]/);
  });

  it("picks readable text on any CSS colour syntax of the accent", () => {
    expect(contrastOn("#ff5f42")).toBe("#fff");
    expect(contrastOn("#f1f5f9")).toBe("#111");
    expect(contrastOn("rgb(241, 245, 249)")).toBe("#111");
    expect(contrastOn("rgb(15 23 42)")).toBe("#fff");
    expect(contrastOn("hsl(60 100% 90%)")).toBe("#111");
    expect(contrastOn("hsl(220, 60%, 20%)")).toBe("#fff");
    expect(contrastOn("rebeccapurple")).toBe("#fff");
  });
});
