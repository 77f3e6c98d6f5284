// The DatePicker's calendar: a month grid in a top-layer popup placed by the widget's
// `side` and `align`. Days outside min/max are disabled; arrow keys move by day and
// week, PageUp/PageDown by month, Enter or Space picks, Escape closes. Names come from
// Intl in the page's language.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { Icon } from "../ui/icons";
import { type Align, placeBeside, type Side } from "./placement";

type Props = {
  anchor: HTMLElement;
  /** "YYYY-MM-DD" (the date part of the picker's value), or "" */
  value: string;
  min: string | undefined;
  max: string | undefined;
  side: Side;
  align: Align;
  onPick: (date: string) => void;
  onClose: () => void;
};

const pad = (n: number): string => String(n).padStart(2, "0");
const iso = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const parse = (s: string | undefined): Date | null => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s ?? "");
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
};
const addDays = (d: Date, n: number): Date => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const addMonths = (d: Date, n: number): Date => {
  const target = new Date(d.getFullYear(), d.getMonth() + n, 1);
  const last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
  return new Date(target.getFullYear(), target.getMonth(), Math.min(d.getDate(), last));
};

export function Calendar({ anchor, value, min, max, side, align, onPick, onClose }: Props) {
  const popup = useRef<HTMLDivElement>(null);
  const lang = anchor.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || undefined;
  const [focus, setFocusState] = useState<Date>(() => parse(value) ?? parse(min) ?? new Date());
  // Keys act on the day they moved to even before the next render shows it (fast typing).
  const current = useRef(focus);
  const setFocus = (d: Date): void => {
    current.current = d;
    setFocusState(d);
  };
  const inRange = (d: Date): boolean => (!min || iso(d) >= min.slice(0, 10)) && (!max || iso(d) <= max.slice(0, 10));

  useLayoutEffect(() => {
    const el = popup.current;
    if (!el) return;
    el.showPopover?.();
    const place = (): void => void placeBeside(el, anchor, side, align);
    place();
    const outside = (e: Event): void => {
      if (!e.composedPath().includes(el) && !e.composedPath().includes(anchor)) onClose();
    };
    const root = anchor.getRootNode();
    root.addEventListener("scroll", place, true);
    window.addEventListener("resize", place);
    document.addEventListener("pointerdown", outside, true);
    return () => {
      root.removeEventListener("scroll", place, true);
      window.removeEventListener("resize", place);
      document.removeEventListener("pointerdown", outside, true);
    };
  }, []);
  useEffect(() => {
    popup.current?.querySelector<HTMLElement>(`[data-date="${iso(focus)}"]`)?.focus();
  }, [focus]);

  const first = new Date(focus.getFullYear(), focus.getMonth(), 1);
  const weekStart = 1; // Monday
  const lead = (first.getDay() - weekStart + 7) % 7;
  const days = Array.from({ length: 42 }, (_, i) => addDays(first, i - lead));
  const month = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric" });
  const weekday = new Intl.DateTimeFormat(lang, { weekday: "narrow" });
  const full = new Intl.DateTimeFormat(lang, { dateStyle: "full" });

  /** Where a key moves the focused day, if it is a moving key. */
  const moved = (key: string): Date | null => {
    const focus = current.current;
    const rtl = getComputedStyle(anchor).direction === "rtl";
    switch (key) {
      case "ArrowLeft":
        return addDays(focus, rtl ? 1 : -1);
      case "ArrowRight":
        return addDays(focus, rtl ? -1 : 1);
      case "ArrowUp":
        return addDays(focus, -7);
      case "ArrowDown":
        return addDays(focus, 7);
      case "PageUp":
        return addMonths(focus, -1);
      case "PageDown":
        return addMonths(focus, 1);
      default:
        return null;
    }
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    const next = moved(e.key);
    if (next) {
      e.preventDefault();
      setFocus(next);
    } else if ((e.key === "Enter" || e.key === " ") && (e.target as Element).matches("[data-date]")) {
      e.preventDefault();
      if (inRange(current.current)) onPick(iso(current.current));
    } else if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    }
  };

  return (
    <div ref={popup} popover="manual" class="ckw-popup ckw-calendar" role="dialog" aria-label={month.format(focus)} onKeyDown={onKeyDown}>
      <div class="ckw-calendar-head">
        <button
          type="button"
          class="ckw-calendar-nav"
          aria-label={month.format(addMonths(focus, -1))}
          onClick={() => setFocus(addMonths(focus, -1))}
        >
          <Icon name="chevron-left" size={16} />
        </button>
        <span class="ckw-calendar-month" aria-live="polite">
          {month.format(focus)}
        </span>
        <button
          type="button"
          class="ckw-calendar-nav"
          aria-label={month.format(addMonths(focus, 1))}
          onClick={() => setFocus(addMonths(focus, 1))}
        >
          <Icon name="chevron-right" size={16} />
        </button>
      </div>
      <div class="ckw-calendar-grid" role="grid">
        {days.slice(0, 7).map((d) => (
          <span key={`w${d.getDay()}`} class="ckw-calendar-weekday" aria-hidden="true">
            {weekday.format(d)}
          </span>
        ))}
        {days.map((d) => {
          const day = iso(d);
          return (
            <button
              key={day}
              type="button"
              role="gridcell"
              data-date={day}
              class={`ckw-calendar-day${d.getMonth() === focus.getMonth() ? "" : " ckw-outside"}${day === value ? " ckw-selected" : ""}`}
              aria-selected={day === value}
              aria-label={full.format(d)}
              tabIndex={day === iso(focus) ? 0 : -1}
              disabled={!inRange(d)}
              onClick={() => onPick(day)}
            >
              {d.getDate()}
            </button>
          );
        })}
      </div>
    </div>
  );
}
