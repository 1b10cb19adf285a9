// The static report: one self-contained page that carries the runs and the panel's own drawing code.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type ReportAssets } from '../../server/src/report/html';
import { bundleWebview } from '../support/webview';
import { fourInputView, twoInputView } from './fixtures';

let assets: ReportAssets;

beforeAll(async () => {
  // Bundled as build.mjs bundles it, so the test does not depend on a previous build.
  assets = await bundleWebview();
});

function embeddedViews(html: string): unknown {
  const match = /<script type="application\/json" id="nn-report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]);
}

describe('renderReport', () => {
  const views = [twoInputView({ data: 'circle', hidden: 4, epochs: 40, rate: 0.5, validate: true, grid: 8 }), fourInputView()];

  it('carries every run, so the page draws them without the editor', () => {
    const html = renderReport(views, { assets });
    expect(embeddedViews(html)).toEqual(JSON.parse(JSON.stringify(views)));
    expect(html).toContain('<title>Training report: circle.nn, iris.nn</title>');
    expect(html).toContain('2 runs');
  });

  it('needs no network and no other file', () => {
    const html = renderReport(views, { assets });
    // The page's own markup, without the inlined code (whose strings may mention attributes).
    const markup = html.replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<style>[\s\S]*?<\/style>/g, '');
    expect(markup).not.toMatch(/<link\b/i);
    expect(markup).not.toMatch(/\s(?:src|href)\s*=/i);
    expect(markup).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/);
    expect(html).not.toContain('sourceMappingURL');
    // The drawing code is inlined: uPlot and the panel's own renderer.
    expect(html).toContain('nn-report-data');
    expect(html).toContain('u-legend');
  });

  it('cannot be broken out of by names in the spec', () => {
    const hostile = fourInputView();
    hostile.status.network = '</script><script>alert(1)</script>';
    hostile.inputNames = ['<b>', '&amp;'];
    const html = renderReport([hostile], { assets, title: '<i>x</i>' });
    expect(html.match(/<script>alert/g)).toBeNull();
    expect(html).toContain('Training report: &#60;i&#62;x&#60;/i&#62;');
    expect((embeddedViews(html) as { status: { network: string } }[])[0].status.network).toBe(hostile.status.network);
  });

  it('finds the built bundle by itself when no assets are given', () => {
    // dist/webview is written by `npm run build`, which `npm test` runs first.
    expect(renderReport([fourInputView()])).toContain('nn-report-data');
  });
});
