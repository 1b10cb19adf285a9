// One run's card: header and numbers, loss curve, decision boundary, snapshot slider and network diagram; used by the panel and the static report alike.

import type { RunPhase, Snapshot, TrainingView, UnitPictures } from '../../../server/src/protocol';
import { BoundaryMap } from './boundary';
import { setButtonLabel, type ButtonIcon } from './icons';
import { LossCurve } from './curve';
import { NetworkDiagram } from './diagram';
import { HealthChart } from './health';
import { renderConfusion } from './confusion';
import { CompareChart } from './compare';
import { formatLossAgainst, formatSeconds } from '../../../server/src/present/numbers';
import { formatNumber, formatPercent } from './layout';
import { readTheme, type Theme } from './theme';
import { WeightTables } from './weights';

export interface RunViewOptions {
  /** Panel only: the header's buttons and click-to-reveal. The report leaves them out. */
  onLayerClick?: (line: number) => void;
  onTrain?: () => void;
  onStop?: () => void;
  onStep?: () => void;
  onReset?: () => void;
}

const phaseLabels: Record<RunPhase, string> = {
  idle: 'not trained',
  queued: 'queued',
  running: 'training',
  done: 'done',
  diverged: 'diverged',
  cancelled: 'stopped',
  failed: 'failed',
  stepped: 'stepped',
};

function button(className: string, icon: ButtonIcon, words: string): HTMLButtonElement {
  const b = element('button', className);
  setButtonLabel(b, icon, words);
  return b;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class RunView {
  readonly element: HTMLElement;
  private readonly theme: Theme;
  private readonly title = element('h2', 'nn-title');
  private readonly phase = element('span', 'nn-phase');
  private readonly summary = element('p', 'nn-summary');
  private readonly stats = element('dl', 'nn-stats');
  private readonly trainButton = button('nn-button primary', 'play', 'Train');
  private readonly stopButton = button('nn-button', 'stop', 'Stop');
  private readonly stepButton = button('nn-button', 'step', 'Step');
  private readonly resetButton = button('nn-button', 'reset', 'Reset');
  private readonly empty = element('p', 'nn-empty');
  private readonly body = element('div', 'nn-body');
  private readonly boundaryFigure = element('figure', 'nn-figure nn-boundary-figure');
  private readonly boundaryCaption = element('figcaption');
  private readonly boundaryLegend = element('div', 'nn-legend');
  private readonly diagramCaption = element('figcaption');
  private readonly diagramFigure = element('figure', 'nn-figure nn-diagram-figure');
  private readonly sliderRow = element('div', 'nn-slider');
  private readonly slider = element('input');
  private readonly sliderOutput = element('output');
  private readonly latestButton = element('button', 'nn-button small', 'Latest');
  private readonly replayButton = button('nn-button small nn-replay', 'play', 'Replay');
  private readonly curve: LossCurve;
  private readonly boundary: BoundaryMap;
  private readonly diagram: NetworkDiagram;
  private readonly weights: WeightTables;
  private readonly healthFigure = element('figure', 'nn-figure nn-health-figure');
  private readonly confusionFigure = element('figure', 'nn-figure nn-confusion-figure');
  private readonly confusionHost = element('div', 'nn-confusion-host');
  private readonly health: HealthChart;
  private readonly compareToggle = element('input');
  private compareLabel!: HTMLLabelElement;
  private curveHost!: HTMLElement;
  private compareHost!: HTMLElement;
  private readonly compare: CompareChart;
  private view: TrainingView | undefined;
  private followLatest = true;
  private replayTimer: ReturnType<typeof setInterval> | undefined;
  private showingPrevious = false;

  constructor(options: RunViewOptions = {}) {
    this.theme = readTheme();
    this.element = element('section', 'nn-run');

    const header = element('header', 'nn-header');
    const actions = element('div', 'nn-actions');
    if (options.onTrain) {
      this.trainButton.addEventListener('click', () => options.onTrain?.());
      actions.append(this.trainButton);
    }
    if (options.onStep) {
      this.stepButton.title = 'One update (one batch): W ← W − η ∂L/∂W';
      this.stepButton.addEventListener('click', () => options.onStep?.());
      actions.append(this.stepButton);
    }
    if (options.onReset) {
      this.resetButton.title = 'Back to the initial weights (epoch 0), so Step goes from there';
      this.resetButton.addEventListener('click', () => options.onReset?.());
      actions.append(this.resetButton);
    }
    if (options.onStop) {
      this.stopButton.addEventListener('click', () => options.onStop?.());
      actions.append(this.stopButton);
    }
    header.append(this.title, this.phase, actions);

    const charts = element('div', 'nn-charts');
    const curveFigure = element('figure', 'nn-figure nn-curve-figure');
    const curveHost = element('div', 'nn-curve');
    const compareHost = element('div', 'nn-curve nn-compare');
    compareHost.hidden = true;
    // "Compare runs": every run of the file on one chart, when the file has more than one with a curve.
    this.compareToggle.type = 'checkbox';
    this.compareToggle.addEventListener('change', () => this.showComparison());
    const compareLabel = element('label', 'nn-compare-toggle');
    compareLabel.append(this.compareToggle, document.createTextNode(' Compare runs'));
    this.compareLabel = compareLabel;
    const caption = element('figcaption', undefined, 'Loss per epoch');
    caption.append(compareLabel);
    curveFigure.append(caption, curveHost, compareHost);
    this.curveHost = curveHost;
    this.compareHost = compareHost;
    const boundaryHost = element('div', 'nn-boundary-host');
    this.boundaryFigure.append(this.boundaryCaption, boundaryHost, this.boundaryLegend);
    charts.append(curveFigure, this.boundaryFigure);

    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'epoch of the snapshot shown');
    this.slider.addEventListener('input', () => {
      this.stopReplay();
      this.followLatest = Number(this.slider.value) === Number(this.slider.max);
      this.showSnapshot();
    });
    this.latestButton.addEventListener('click', () => {
      this.stopReplay();
      this.followLatest = true;
      this.slider.value = this.slider.max;
      this.showSnapshot();
    });
    this.replayButton.addEventListener('click', () => this.toggleReplay());
    this.sliderRow.append(element('label', undefined, 'Snapshot'), this.slider, this.sliderOutput, this.latestButton, this.replayButton);

    const diagramFigure = this.diagramFigure;
    const diagramHost = element('div');
    const diagramLegend = element('div', 'nn-legend');
    diagramLegend.innerHTML =
      '<span><i class="line positive"></i>positive weight</span><span><i class="line negative"></i>negative weight</span><span class="muted">thickness ∝ |w| · in a node: what the unit has learned (its output over the input plane, or its histogram), else its bias b · hover a node to enlarge it, an edge for W and its last update (∂L/∂W, ΔW)' +
      (options.onLayerClick ? ' · click a layer to show it in the editor' : '') +
      '</span>';
    const weightsHost = element('div', 'nn-weights-host');
    diagramFigure.append(this.diagramCaption, diagramHost, diagramLegend, weightsHost);

    const healthHost = element('div', 'nn-health');
    this.healthFigure.append(
      element('figcaption', undefined, 'Gradient size per layer: ‖∂L/∂W‖ / ‖W‖ on the training data'),
      healthHost,
      element('div', 'nn-legend muted', 'below 1e-5 a layer barely learns (vanishing gradient); above 1 a step outgrows the weights (exploding)'),
    );
    this.confusionFigure.append(element('figcaption', undefined, 'Classes: confusion matrix, precision and recall of the final weights'), this.confusionHost);
    this.body.append(charts, this.sliderRow, diagramFigure, this.healthFigure, this.confusionFigure);
    this.element.append(header, this.summary, this.stats, this.empty, this.body);

    this.curve = new LossCurve(curveHost, this.theme);
    this.boundary = new BoundaryMap(boundaryHost, this.theme);
    this.diagram = new NetworkDiagram(diagramHost, this.theme, { onLayerClick: options.onLayerClick });
    this.weights = new WeightTables(weightsHost, this.theme);
    this.health = new HealthChart(healthHost, this.theme);
    this.compare = new CompareChart(this.compareHost, this.theme);
  }

  update(incoming: TrainingView): void {
    // While a run trains the server sends the live curve only; keep drawing the previous
    // training's network and boundary (marked as such) instead of blanking them.
    const training = incoming.status.phase === 'running' || incoming.status.phase === 'queued';
    const previous = this.view;
    // Off the latest, the slider stays on the epoch it shows while snapshots come and are thinned.
    const shownEpoch = this.followLatest ? null : (this.selectedSnapshot()?.epoch ?? null);
    const keepPrevious = training && incoming.snapshots.length === 0 && previous !== undefined && previous.snapshots.length > 0;
    this.showingPrevious = keepPrevious;
    const view: TrainingView = keepPrevious
      ? { ...incoming, snapshots: previous.snapshots, points: incoming.points ?? previous.points, box: incoming.box ?? previous.box, grid: incoming.box ? incoming.grid : previous.grid }
      : incoming;
    this.view = view;
    const status = view.status;
    // The run's name, with its line when another run of the file shares its network (RunStatus.title).
    const line = /\((line \d+)\)$/.exec(status.title ?? '')?.[1];
    this.title.replaceChildren(
      element('span', 'nn-network', status.network),
      element('span', 'muted', ' on '),
      element('span', 'nn-data', status.data),
      ...(line ? [element('span', 'muted nn-line', ` · ${line}`)] : []),
    );
    this.phase.textContent = status.stopping ? 'stopping' : phaseLabels[status.phase];
    this.phase.className = `nn-phase phase-${status.phase}`;
    this.summary.textContent = status.summary;
    const running = status.phase === 'running' || status.phase === 'queued';
    // As the lens says it: Train until the run has a training's result (steps from the initial weights have none).
    const trainedBefore = status.phase !== 'idle' && !(status.phase === 'stepped' && status.stepFrom === 'initial');
    setButtonLabel(this.trainButton, 'play', trainedBefore ? 'Retrain' : 'Train');
    this.trainButton.disabled = running;
    this.stopButton.hidden = !running;
    this.stopButton.disabled = status.stopping === true;
    this.stepButton.disabled = running;
    this.resetButton.disabled = running || status.phase === 'idle' || (status.step === 0 && status.stepFrom === 'initial');
    this.renderStats(view);

    const hasPicture = view.curve.length > 0 || view.snapshots.length > 0;
    this.empty.hidden = hasPicture;
    this.body.hidden = !hasPicture;
    this.empty.textContent =
      status.phase === 'queued' || status.phase === 'running'
        ? 'Training is starting…'
        : 'Not trained yet: Train draws the loss curve, the network and its decision boundary here.';
    if (!hasPicture) return;

    this.curve.update(view);
    this.compareLabel.hidden = (view.runs?.length ?? 0) < 2;
    this.showComparison();
    const count = view.snapshots.length;
    this.sliderRow.hidden = count <= 1;
    this.slider.max = String(Math.max(0, count - 1));
    // As wide as the longest label this run can have ("epoch 19999 of 20000"), in the font's digit widths.
    const longest = String(Math.max(status.epochs, view.snapshots[count - 1]?.epoch ?? 0)).length;
    this.sliderOutput.style.width = `${'initial weights'.length + 4 + longest}ch`;
    if (this.followLatest || shownEpoch === null) this.slider.value = this.slider.max;
    else {
      let index = 0;
      view.snapshots.forEach((s, i) => {
        if (s.epoch <= shownEpoch) index = i;
      });
      this.slider.value = String(index);
    }
    this.boundaryFigure.hidden = !view.box;
    this.renderBoundaryLegend(view.classes ?? null);
    // The first training of a run has a curve before it has any weights to draw.
    this.diagramFigure.hidden = count === 0;
    this.healthFigure.hidden = !this.health.update(view);
    this.confusionFigure.hidden = !view.confusion;
    if (view.confusion) renderConfusion(this.confusionHost, view.confusion);
    this.showSnapshot();
  }

  /** The comparison of every run's curves in place of this run's, when asked for and there are runs to compare. */
  private showComparison(): void {
    const runs = this.view?.runs ?? [];
    const comparing = this.compareToggle.checked && runs.length >= 2;
    this.compareHost.hidden = !comparing;
    this.curveHost.hidden = comparing;
    if (comparing) this.compare.update(runs);
  }

  /** The editor's cursor moved to this line: highlight the layer declared there. */
  highlightLine(line: number | null): void {
    this.diagram.highlight(line);
    this.weights.highlight(line);
  }

  private selectedSnapshot(): Snapshot | undefined {
    const view = this.view;
    if (!view || view.snapshots.length === 0) return undefined;
    return view.snapshots[Math.min(view.snapshots.length - 1, Number(this.slider.value) || 0)];
  }

  private showSnapshot(): void {
    const view = this.view;
    if (!view) return;
    const snapshot = this.selectedSnapshot();
    const latest = view.snapshots[view.snapshots.length - 1];
    let epochText = snapshot ? (snapshot.epoch === 0 ? 'before training' : `at epoch ${snapshot.epoch}`) : '';
    const training = view.status.phase === 'running' || view.status.phase === 'queued';
    if (this.showingPrevious) epochText += ' of the previous training (until this one sends its first)';
    else if (training && snapshot === latest) epochText += ' · live';
    this.sliderOutput.textContent = snapshot
      ? `${snapshot.epoch === 0 ? 'initial weights' : `epoch ${snapshot.epoch}`} of ${latest?.epoch ?? 0}`
      : '';
    this.latestButton.disabled = snapshot === latest;
    this.diagramCaption.textContent = `Network ${epochText}`.trim();
    this.boundaryCaption.textContent = `Decision boundary ${epochText}`.trim();
    if (snapshot) {
      this.diagram.update(view.inputNames, snapshot.layers, snapshot.epoch, view.classes ?? null, unitsFor(view.snapshots, snapshot));
      this.weights.update(view.inputNames, snapshot.layers, snapshot.epoch);
    }
    if (view.box) this.boundary.update(view, snapshot?.boundary ?? null);
    this.curve.setMarker(snapshot && snapshot !== latest ? snapshot.epoch : null);
    this.health.show(snapshot, snapshot === latest);
  }

  private toggleReplay(): void {
    if (this.replayTimer !== undefined) {
      this.stopReplay();
      return;
    }
    const last = Number(this.slider.max);
    if (last <= 0) return;
    this.followLatest = false;
    this.slider.value = '0';
    setButtonLabel(this.replayButton, 'pause', 'Pause');
    this.showSnapshot();
    // About four seconds for the whole run, whatever the number of snapshots.
    const interval = Math.max(40, Math.min(400, 4000 / last));
    this.replayTimer = setInterval(() => {
      const next = Number(this.slider.value) + 1;
      this.slider.value = String(next);
      if (next >= Number(this.slider.max)) {
        this.followLatest = true;
        this.stopReplay();
      }
      this.showSnapshot();
    }, interval);
  }

  private stopReplay(): void {
    if (this.replayTimer !== undefined) clearInterval(this.replayTimer);
    this.replayTimer = undefined;
    setButtonLabel(this.replayButton, 'play', 'Replay');
  }

  /** Which colour is which class, and what the shading means (ŷ, or 1 − ŷ₁ for one-hot classes). */
  private renderBoundaryLegend(classes: readonly string[] | null): void {
    const swatch = (kind: string, label: string) => {
      const item = element('span');
      item.append(element('i', `swatch ${kind}`), document.createTextNode(label));
      return item;
    };
    const oneHot = classes !== null && classes.length >= 2;
    const first = oneHot ? classes[0] : 'class 0';
    const second = oneHot ? (classes.length === 2 ? classes[1] : `not ${classes[0]}`) : 'class 1';
    const shading = oneHot
      ? `shading: 1 − ŷ₁, the network\u2019s chance that a point is not ${classes[0]}; the boundary lies where the colours meet`
      : 'shading: the network\u2019s output ŷ; the boundary ŷ = 0.5 lies where the colours meet';
    this.boundaryLegend.replaceChildren(swatch('negative', first), swatch('positive', second), element('span', 'muted', shading));
  }

  private renderStats(view: TrainingView): void {
    const status = view.status;
    const training = status.phase === 'running' || status.phase === 'queued';
    const last = view.curve[view.curve.length - 1];
    const items: [string, string, string?][] = [];
    // A view from before these fields (a report written by an older version) has none of them.
    const stepped = typeof status.step === 'number';
    if (stepped) items.push(['step', `${status.step} from the ${status.stepFrom === 'trained' ? 'trained' : 'initial'} weights`]);
    items.push(
      ['epoch', status.epochs > 0 ? `${status.epoch} / ${status.epochs}` : String(status.epoch)],
      // The loss as the lens and the status bar write it (present/numbers.ts), so the views read alike.
      ['loss', status.loss === null && status.phase === 'idle' ? '–' : formatLossAgainst(status.loss ?? (stepped ? null : (last?.loss ?? null)), status.target ?? null), 'training'],
    );
    // After Step, the curve is the training's, not where the weights are now.
    const fromCurve = stepped ? undefined : last;
    const validationLoss = status.validationLoss ?? fromCurve?.validationLoss ?? null;
    if (validationLoss !== null) items.push(['validation loss', formatNumber(validationLoss), 'validation']);
    const accuracy = status.accuracy ?? fromCurve?.accuracy ?? null;
    if (accuracy !== null) items.push(['accuracy', formatPercent(accuracy), 'accuracy']);
    const validationAccuracy = fromCurve?.validationAccuracy ?? null;
    if (validationAccuracy !== null) items.push(['validation accuracy', formatPercent(validationAccuracy), 'validation-accuracy']);
    // docs/language.md §7.2–§7.4: the rate of a schedule, the penalty, the best (or, once ended, the kept) epoch of patience.
    if (status.rate !== undefined) items.push(['rate', formatNumber(status.rate)]);
    if (status.penalty !== undefined) items.push(['penalty', formatNumber(status.penalty)]);
    if (status.bestEpoch !== undefined && status.bestEpoch > 0) items.push([training ? 'best epoch' : 'kept epoch', String(status.bestEpoch), 'kept']);
    // Steps from the initial weights have no training whose time this would be.
    items.push(['time', stepped && status.stepFrom === 'initial' ? '–' : formatSeconds(status.seconds)]);
    this.stats.replaceChildren(
      ...items.map(([name, value, kind]) => {
        const item = element('div', `nn-stat${kind ? ` ${kind}` : ''}`);
        item.append(element('dt', undefined, name), element('dd', undefined, value));
        return item;
      }),
    );
  }

  dispose(): void {
    this.stopReplay();
    this.curve.dispose();
    this.boundary.dispose();
    this.diagram.dispose();
    this.health.dispose();
    this.compare.dispose();
  }
}

/**
 * The per-unit pictures to draw with a snapshot: its own, or for histograms (drawn for the
 * measured snapshots only: docs/editor.md "The training panel") the latest earlier snapshot's.
 */
function unitsFor(snapshots: readonly Snapshot[], snapshot: Snapshot): UnitPictures | null {
  if (snapshot.units) return snapshot.units;
  const index = snapshots.indexOf(snapshot);
  for (let i = index - 1; i >= 0; i--) {
    const units = snapshots[i].units;
    if (units) return units.kind === 'histogram' ? units : null;
  }
  return null;
}
