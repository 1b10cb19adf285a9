// Reads the editor's theme colours (VS Code's --vscode-* CSS variables) so every chart follows the user's theme.

import { parseColor } from './layout';

export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  border: string;
  grid: string;
  focus: string;
  /** Positive weights and class 1. */
  positive: string;
  /** Negative weights and class 0. */
  negative: string;
  training: string;
  validation: string;
  accuracy: string;
  validationAccuracy: string;
  error: string;
  fontFamily: string;
  monoFamily: string;
  rgb: { positive: number[]; negative: number[]; background: number[] };
}

export function readTheme(element: Element = document.body): Theme {
  const style = getComputedStyle(element);
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = css('--vscode-foreground', '#cccccc');
  const background = css('--vscode-editor-background', '#1f1f1f');
  const positive = css('--vscode-charts-blue', '#3794ff');
  const negative = css('--vscode-charts-orange', '#d18616');
  return {
    foreground,
    muted: css('--vscode-descriptionForeground', '#9d9d9d'),
    background,
    border: css('--vscode-widget-border', css('--vscode-panel-border', '#444444')),
    grid: css('--nn-grid', 'rgba(128,128,128,0.18)'),
    focus: css('--vscode-focusBorder', '#0078d4'),
    positive,
    negative,
    training: positive,
    validation: negative,
    accuracy: css('--vscode-charts-green', '#89d185'),
    validationAccuracy: css('--vscode-charts-purple', '#b180d7'),
    error: css('--vscode-errorForeground', '#f14c4c'),
    fontFamily: css('--vscode-font-family', 'system-ui, sans-serif'),
    monoFamily: css('--vscode-editor-font-family', 'ui-monospace, monospace'),
    rgb: {
      positive: parseColor(positive, [55, 148, 255]),
      negative: parseColor(negative, [209, 134, 22]),
      background: parseColor(background, [31, 31, 31]),
    },
  };
}
