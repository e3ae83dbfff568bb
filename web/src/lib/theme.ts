/**
 * Dark / light / system theme. The choice is kept in localStorage and applied as
 * `data-theme` on <html> (CSS variables follow it); "system" follows prefers-color-scheme.
 * Applied from the module script before the first render, so no inline script is needed (CSP).
 */
import { createSignal, type Accessor } from "solid-js";

export type ThemeChoice = "system" | "light" | "dark";
export const THEME_KEY = "bot-core:theme";
const CHOICES: readonly ThemeChoice[] = ["system", "light", "dark"];

export interface Theme {
  readonly choice: Accessor<ThemeChoice>;
  set(choice: ThemeChoice): void;
  /** system -> light -> dark -> system */
  cycle(): void;
}

function read(storage: Pick<Storage, "getItem"> | null): ThemeChoice {
  try {
    const v = storage?.getItem(THEME_KEY);
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : "system";
  } catch {
    return "system";
  }
}

export function createTheme(
  root: HTMLElement = document.documentElement,
  storage: Pick<Storage, "getItem" | "setItem"> | null = typeof localStorage !== "undefined" ? localStorage : null,
): Theme {
  const [choice, setChoice] = createSignal<ThemeChoice>(read(storage));
  const apply = (c: ThemeChoice) => {
    if (c === "system") delete root.dataset.theme;
    else root.dataset.theme = c;
  };
  apply(choice());
  const set = (c: ThemeChoice) => {
    setChoice(c);
    apply(c);
    try {
      storage?.setItem(THEME_KEY, c);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  };
  return {
    choice,
    set,
    cycle: () => set(CHOICES[(CHOICES.indexOf(choice()) + 1) % CHOICES.length] as ThemeChoice),
  };
}
