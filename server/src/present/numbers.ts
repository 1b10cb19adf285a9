// How losses and times are written, the same in every view: the server's lens, diagnostics and hovers, and the panel's webview (which bundles this file; it imports nothing).

/** Three significant digits, no trailing zeros: 0.00098, 0.126, 12.3, 3400. */
export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined) return 'n/a';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e6) return String(Number(value.toPrecision(3)));
  return value.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * A loss beside the target it is compared with: enough digits that the two never read
 * the same (0.000998 against 0.001, not 0.001 against 0.001).
 */
export function formatLossAgainst(value: number | null | undefined, target: number | null): string {
  if (value === null || value === undefined || target === null || !Number.isFinite(value) || value === 0) return formatLoss(value);
  for (let digits = 3; digits <= 8; digits++) {
    const shown = Number(value.toPrecision(digits));
    if ((value < target) === (shown < target) && shown !== target) return digits === 3 ? formatLoss(shown) : String(shown);
  }
  return formatLoss(value);
}

/** 0.21 s, 1.5 s, 40 s, 3 min. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  if (seconds < 0.01) return '< 0.01 s';
  if (seconds < 10) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
