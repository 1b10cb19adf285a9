// The one generic walk over the syntax tree: a node's children and tokens, the nodes at an offset, every node in turn.
//
// Children are read through syntax.ts's CHILD_FIELDS, a table of each kind's child
// fields that the compiler keeps complete, so no feature lists node kinds to reach
// the nodes it cares about: it walks, and names only the kinds it gives a meaning to.

import { CHILD_FIELDS } from './syntax';
import type { BlockSpan, Branch, Leaf, Node, Span, SpecFile, SyntaxToken } from './syntax';

const NO_TOKENS: readonly SyntaxToken[] = [];

/** True for a value written in the text (a word, number, string or percentage): no tokens, no children. */
export function isLeaf(node: Node): node is Leaf {
  // A load, not `'tokens' in node`: V8's `in` over the tree's many shapes is several times slower.
  return (node as Partial<Branch<string>>).tokens === undefined;
}

/** The tokens of the node's own syntax (keywords, operators, brackets), in text order; none for a leaf. */
export function tokensOf(node: Node): readonly SyntaxToken[] {
  return isLeaf(node) ? NO_TOKENS : node.tokens;
}

/**
 * Calls `visit` with each child of `node`: field by field, a list in its order. That is
 * text order except across fields of statements that may come in any order (a file data
 * block's); `children` sorts.
 */
export function forEachChild(node: Node, visit: (child: Node) => void): void {
  const fields: readonly string[] = CHILD_FIELDS[node.kind];
  const values = node as unknown as Record<string, Node | readonly Node[] | undefined>;
  for (let f = 0; f < fields.length; f++) {
    const value = values[fields[f]];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) visit(value[i]);
    else visit(value as Node);
  }
}

/** The node's children, in text order. */
export function children(node: Node): Node[] {
  const list: Node[] = [];
  // Stryker disable next-line BooleanLiteral: sorting a list already in text order keeps it as it is
  let ordered = true;
  forEachChild(node, (child) => {
    if (list.length > 0 && child.span.start < list[list.length - 1].span.start) ordered = false;
    list.push(child);
  });
  if (!ordered) list.sort((a, b) => a.span.start - b.span.start);
  return list;
}

type Visit = (node: Node, parent: Node | undefined) => boolean | void;

export interface WalkOptions {
  /** Called after the node's children. */
  leave?: (node: Node) => void;
  /** False to pass the leaves by (most of a spec's nodes are the numbers of its rows). */
  leaves?: boolean;
}

/**
 * Every node under `root`, root included: `visit` before the node's children (in
 * forEachChild's order), `leave` after them. Both get the node's parent (undefined for
 * the root); `visit` may return false to skip the node's children.
 */
export function walk(root: Node, visit: Visit, options: WalkOptions = {}): void {
  enter(root, undefined, visit, options.leave, options.leaves !== false);
}

/** walk's recursion: forEachChild's loop, written out so that no closure is made per node (semantic tokens walk every node of a long spec). */
function enter(node: Node, parent: Node | undefined, visit: Visit, leave: ((node: Node) => void) | undefined, leaves: boolean): void {
  if (visit(node, parent) !== false) {
    const fields: readonly string[] = CHILD_FIELDS[node.kind];
    const values = node as unknown as Record<string, Node | readonly Node[] | undefined>;
    for (let f = 0; f < fields.length; f++) {
      const value = values[fields[f]];
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (leaves || !isLeaf(value[i])) enter(value[i], node, visit, leave, leaves);
      } else if (leaves || !isLeaf(value as Node)) {
        enter(value as Node, node, visit, leave, leaves);
      }
    }
  }
  leave?.(node);
}

/**
 * Of spans in text order that do not overlap, the index of the one that holds `offset`, or -1.
 * A span holds its end too (a cursor just after a word is on it); where two touch, the one the
 * offset is inside wins.
 */
function indexAt(spans: readonly { span: Span }[], offset: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[mid].span.start <= offset) low = mid + 1;
    else high = mid;
  }
  // spans[low - 1] is the last to start at or before the offset.
  return low > 0 && offset <= spans[low - 1].span.end ? low - 1 : -1;
}

/**
 * The nodes that hold `offset`, outermost first: a declaration, then inward to the
 * innermost node (a leaf when the offset is on a value). Empty outside every declaration.
 */
export function nodePath(root: SpecFile, offset: number): Node[] {
  const path: Node[] = [];
  let node: Node = root;
  for (;;) {
    const list = children(node);
    const index = indexAt(list, offset);
    if (index < 0) return path;
    node = list[index];
    path.push(node);
  }
}

/** The innermost node that holds `offset` (nodePath's last), or undefined outside every declaration. */
export function nodeAt(root: SpecFile, offset: number): Node | undefined {
  const path = nodePath(root, offset);
  return path[path.length - 1];
}

/** The node's own token that holds `offset`, if any (the same rule as nodePath). */
export function tokenAt(node: Node, offset: number): SyntaxToken | undefined {
  const tokens = tokensOf(node);
  const index = indexAt(tokens, offset);
  return index < 0 ? undefined : tokens[index];
}

/** The node's first own token written `text` (`tokenOf(layer, 'init')`), if it has one. */
export function tokenOf(node: Node, text: string): SyntaxToken | undefined {
  for (const token of tokensOf(node)) if (token.text === text) return token;
  return undefined;
}

/** The `{` … `}` of a node that opens a block, from its tokens; undefined for a node without one. */
export function blockOf(node: Node): BlockSpan | undefined {
  // A node owns at most one `{` and the `}` after it (the parser's parseBlock adds both), and no
  // other token of a node is written so.
  const tokens = tokensOf(node);
  const open = tokens.find((token) => token.text === '{');
  if (open === undefined) return undefined;
  const close = tokens.find((token) => token.text === '}');
  return close === undefined ? { open: open.span } : { open: open.span, close: close.span };
}
