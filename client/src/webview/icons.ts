// The panel's button icons as inline SVG in the shapes of VS Code's codicons (play, stop, step, reset, pause): a webview has no codicon font, and emoji render as empty boxes without an emoji font.

const SVG = 'http://www.w3.org/2000/svg';

/** 16 × 16 outlines, filled with the button's text colour. */
const PATHS = {
  play: 'M4 2.5v11l9-5.5z',
  stop: 'M3.5 3.5h9v9h-9z',
  step: 'M2.5 2.5v11l7-5.5z M11 2.5h2.5v11H11z',
  pause: 'M4 2.5h3v11H4z M9 2.5h3v11H9z',
  reset: 'M2.5 2.5h2v11h-2z M13.5 2.5v11l-8-5.5z',
} as const;

export type ButtonIcon = keyof typeof PATHS;

/** Sets a button's content to an icon and its words (the words are what a screen reader says). */
export function setButtonLabel(button: HTMLButtonElement, icon: ButtonIcon, words: string): void {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'nn-icon');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', PATHS[icon]);
  svg.append(path);
  const label = document.createElement('span');
  label.textContent = words;
  button.replaceChildren(svg, label);
}
