// Number formatting for the dashboard. Every formatter shows a missing or non-finite value (the
// API sends null for a ratio without a denominator) as an en dash, never 0 or Infinity.
// The locale is the browser's; the currency is the report's ("currency" in every response).

export const DASH = '–';

export const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

const cache = new Map();
function nf(key, options) {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(undefined, options);
    cache.set(key, f);
  }
  return f;
}

export function money(v, currency) {
  if (!isNum(v)) return DASH;
  try {
    return nf(`money:${currency}`, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
  } catch {
    // An unknown currency code: the number and the code, still readable.
    return `${decimal(v)} ${currency}`;
  }
}

// Money without decimals, for chart axes.
export function moneyShort(v, currency) {
  if (!isNum(v)) return DASH;
  try {
    return nf(`moneyShort:${currency}`, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(v);
  } catch {
    return `${v} ${currency}`;
  }
}

export const integer = (v) => (isNum(v) ? nf('int', { maximumFractionDigits: 0 }).format(v) : DASH);

// Purchases may be fractional (attributed conversions); up to two decimals.
export const decimal = (v) => (isNum(v) ? nf('dec', { maximumFractionDigits: 2 }).format(v) : DASH);

// ROAS: revenue per unit of spend, shown as a multiple.
export const ratio = (v) => (isNum(v) ? `${nf('ratio', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)}×` : DASH);

// CTR arrives as a fraction (clicks / impressions).
export const percent = (v) => (isNum(v) ? nf('pct', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v) : DASH);

// How each metric of the API's metrics object is shown.
export const METRIC_KIND = {
  spend: 'money', revenue: 'money', cpa: 'money', cpc: 'money',
  impressions: 'integer', clicks: 'integer', rows_without_rate: 'integer',
  purchases: 'decimal', roas: 'ratio', ctr: 'percent',
};

export function formatKind(kind, v, currency) {
  switch (kind) {
    case 'money': return money(v, currency);
    case 'integer': return integer(v);
    case 'decimal': return decimal(v);
    case 'ratio': return ratio(v);
    case 'percent': return percent(v);
    default: return v === null || v === undefined ? DASH : String(v);
  }
}

export const formatMetric = (metric, v, currency) => formatKind(METRIC_KIND[metric], v, currency);
