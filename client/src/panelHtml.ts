// The training panel's HTML shell with its Content Security Policy; pure, so a browser test can load exactly what VS Code loads.

export interface PanelHtmlOptions {
  /** webview.cspSource: the origin the panel's own files are served from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Fresh per page load; only scripts and styles carrying it run. */
  nonce: string;
}

export function panelHtml({ cspSource, scriptUri, styleUri, nonce }: PanelHtmlOptions): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" nonce="${nonce}" href="${styleUri}">
<title>NN: Training</title>
</head>
<body>
<div id="nn-root" data-mode="panel"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}
