// Finds the `train` block a cursor is in, from the document text alone, so palette commands can name the run without a server round trip.

/** A `train NAME on NAME` header at the start of a line (statements never share a line with a declaration's start). */
const trainHeader = /^\s*train\b/;
const declarationHeader = /^\s*(?:network|data|train)\b/;

/**
 * The 0-based line of the `train` keyword whose declaration contains `line`, or
 * undefined when the cursor is not inside a run (the caller then means "every run").
 * A declaration runs from its header to the line before the next declaration, so a
 * cursor on a blank line after a block's `}` still belongs to it only up to that `}`.
 */
export function enclosingTrainLine(text: string, line: number): number | undefined {
  const lines = text.split(/\r?\n/);
  if (line < 0 || line >= lines.length) return undefined;
  for (let start = line; start >= 0; start--) {
    const current = lines[start];
    if (!declarationHeader.test(current)) continue;
    if (!trainHeader.test(current)) return undefined;
    // Walk forward from the header to the block's closing brace; past it the cursor is outside.
    let depth = 0;
    let opened = false;
    for (let l = start; l < lines.length; l++) {
      const code = stripComment(lines[l]);
      for (const ch of code) {
        if (ch === '{') {
          depth++;
          opened = true;
        } else if (ch === '}') {
          depth--;
        }
      }
      if (l >= line) return start;
      if (opened && depth <= 0) return undefined;
    }
    return start;
  }
  return undefined;
}

/** The code part of a line: everything before a `#` that is not inside a string. */
function stripComment(lineText: string): string {
  let inString = false;
  for (let i = 0; i < lineText.length; i++) {
    const ch = lineText[i];
    if (inString && ch === '\\') {
      i++;
    } else if (ch === '"') {
      inString = !inString;
    } else if (ch === '#' && !inString) {
      return lineText.slice(0, i);
    }
  }
  return lineText;
}

/** The 0-based lines of every `train` keyword in the text, in order (run index i+1 is at result[i]). */
export function trainLines(text: string): number[] {
  const result: number[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    if (trainHeader.test(lineText)) result.push(i);
  });
  return result;
}
