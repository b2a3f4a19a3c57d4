// Spend (bars, left axis) and ROAS (line, right axis) by day, drawn as SVG by hand: a few dozen
// lines do what a charting library would, with nothing to download.
import { isNum, money, moneyShort, ratio } from './format.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 800, H = 260;
const M = { top: 26, right: 52, bottom: 30, left: 64 };

function el(name, attrs = {}, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// About `count` round tick values from 0 to at least `max` (steps of 1, 2 or 5 times a power of 10).
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(+v.toPrecision(12));
  return ticks;
}

// series: [{date, spend, roas, ...}] ascending by date.
export function renderChart(container, series, currency) {
  container.replaceChildren();
  if (!series || series.length === 0) {
    container.append(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'No data in this range.' }));
    return;
  }
  const spendTicks = niceTicks(Math.max(...series.map((d) => (isNum(d.spend) ? d.spend : 0))));
  const roasTicks = niceTicks(Math.max(...series.map((d) => (isNum(d.roas) ? d.roas : 0))));
  const spendMax = spendTicks.at(-1), roasMax = roasTicks.at(-1);
  const iw = W - M.left - M.right, ih = H - M.top - M.bottom;
  const band = iw / series.length;
  const x = (i) => M.left + band * i + band / 2;
  const ySpend = (v) => M.top + ih - (v / spendMax) * ih;
  const yRoas = (v) => M.top + ih - (v / roasMax) * ih;

  const svg = el('svg', {
    viewBox: `0 0 ${W} ${H}`, class: 'chart-svg', role: 'img',
    'aria-label': `Spend and ROAS by day, ${series[0].date} to ${series.at(-1).date}`,
  });

  // Grid and the two axes' labels.
  for (const t of spendTicks) {
    const y = ySpend(t);
    svg.append(el('line', { x1: M.left, x2: W - M.right, y1: y, y2: y, class: 'grid' }));
    svg.append(el('text', { x: M.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis spend-axis' }, moneyShort(t, currency)));
  }
  for (const t of roasTicks) {
    svg.append(el('text', { x: W - M.right + 6, y: yRoas(t) + 4, 'text-anchor': 'start', class: 'axis roas-axis' }, `${+t.toFixed(2)}×`));
  }
  svg.append(el('text', { x: 4, y: 12, class: 'axis-title spend-axis' }, 'Spend'));
  svg.append(el('text', { x: W - 4, y: 12, 'text-anchor': 'end', class: 'axis-title roas-axis' }, 'ROAS'));

  // Date labels: at most about 8, evenly spaced, always the first and the last.
  const every = Math.max(1, Math.ceil(series.length / 8));
  series.forEach((d, i) => {
    if (i % every !== 0 && i !== series.length - 1) return;
    if (i !== series.length - 1 && series.length - 1 - i < every / 2) return; // would overlap the last
    svg.append(el('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', class: 'axis' }, d.date.slice(5)));
  });

  // Spend bars.
  const bars = el('g', { class: 'bars' });
  series.forEach((d, i) => {
    const v = isNum(d.spend) ? d.spend : 0;
    const bw = Math.max(1, band * 0.7);
    const bar = el('rect', { x: x(i) - bw / 2, y: ySpend(v), width: bw, height: Math.max(0, M.top + ih - ySpend(v)), class: 'bar' });
    bar.append(el('title', {}, `${d.date}: spend ${money(d.spend, currency)}, ROAS ${ratio(d.roas)}`));
    bars.append(bar);
  });
  svg.append(bars);

  // ROAS line, broken where a day has no ROAS (no spend).
  let path = '';
  let pen = false;
  series.forEach((d, i) => {
    if (!isNum(d.roas)) { pen = false; return; }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${yRoas(d.roas).toFixed(1)}`;
    pen = true;
  });
  svg.append(el('path', { d: path, class: 'line' }));
  series.forEach((d, i) => {
    if (!isNum(d.roas)) return;
    const dot = el('circle', { cx: x(i), cy: yRoas(d.roas), r: 2.5, class: 'dot' });
    dot.append(el('title', {}, `${d.date}: ROAS ${ratio(d.roas)}`));
    svg.append(dot);
  });

  const legend = document.createElement('p');
  legend.className = 'legend';
  legend.innerHTML = '<span class="key bar-key"></span> Spend (left axis) <span class="key line-key"></span> ROAS (right axis)';
  container.append(svg, legend);
}
