// A small rasteriser for the SVG subset the app icon uses (rect with rx, circle, line, polyline; fill, stroke,
// stroke-width, opacity), so that every icon size is drawn from resources/build/icon-source.svg with Node alone:
// no image library is installed for this, and no hand-made bitmaps are checked in.
//
// Each shape is drawn from its signed distance field: a pixel's coverage is how far its centre lies inside the
// edge, in pixels (clamped to 0..1), which anti-aliases edges at every size. Strokes have round joins and caps.
// Anything outside the subset is refused with its line number rather than drawn wrong.

const SHAPES = new Set(['rect', 'circle', 'line', 'polyline']);
const IGNORED = new Set(['svg', 'title', 'desc', '?xml']);

/** @param {string} text @param {number} index */
const lineOf = (text, index) => text.slice(0, index).split('\n').length;

/** @param {string} source */
const attributes = (source) => {
  /** @type {Record<string, string>} */
  const out = {};
  for (const m of source.matchAll(/([\w:-]+)\s*=\s*"([^"]*)"/g)) out[m[1]] = m[2];
  return out;
};

/** @param {string | undefined} value @param {string} where @returns {[number, number, number] | null} */
const parseColour = (value, where) => {
  if (value === undefined || value === 'none') return null;
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return [short[1], short[2], short[3]].map((h) => parseInt(h + h, 16) / 255);
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
  if (long) return [long[1], long[2], long[3]].map((h) => parseInt(h, 16) / 255);
  throw new Error(`${where}: colour "${value}" is not supported (use #rgb, #rrggbb or none)`);
};

/** @param {Record<string, string>} attrs @param {string} name @param {string} where @param {number} [fallback] */
const num = (attrs, name, where, fallback) => {
  const raw = attrs[name];
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${where}: attribute ${name} is missing`);
  }
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new Error(`${where}: ${name}="${raw}" is not a number`);
  return n;
};

/**
 * Parse the icon source into a view box and a list of shapes (painted in document order).
 * @param {string} text
 * @param {string} [file]
 */
export const parseIconSvg = (text, file = 'icon-source.svg') => {
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
  const root = /<svg\b([^>]*)>/.exec(withoutComments);
  if (root === null) throw new Error(`${file}: no <svg> element`);
  const viewBox = (attributes(root[1])['viewBox'] ?? '')
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (viewBox.length !== 4 || viewBox.some((n) => !Number.isFinite(n)) || viewBox[2] <= 0 || viewBox[2] !== viewBox[3])
    throw new Error(`${file} line ${lineOf(text, root.index)}: the <svg> needs a square viewBox="x y size size"`);
  const shapes = [];
  for (const m of withoutComments.matchAll(/<\/?\s*([?\w:-]+)([^>]*)>/g)) {
    const tag = m[1];
    const where = `${file} line ${lineOf(text, m.index)}`;
    if (m[0].startsWith('</') || IGNORED.has(tag)) continue;
    if (!SHAPES.has(tag))
      throw new Error(`${where}: <${tag}> is not supported by the icon rasteriser (rect, circle, line, polyline)`);
    const a = attributes(m[2]);
    const opacity = num(a, 'opacity', where, 1);
    const common = {
      fill: tag === 'line' || tag === 'polyline' ? null : parseColour(a['fill'] ?? '#000', where),
      fillOpacity: num(a, 'fill-opacity', where, 1) * opacity,
      stroke: parseColour(a['stroke'], where),
      strokeOpacity: num(a, 'stroke-opacity', where, 1) * opacity,
      strokeWidth: num(a, 'stroke-width', where, 1),
    };
    if ((tag === 'line' || tag === 'polyline') && a['fill'] !== undefined && a['fill'] !== 'none')
      throw new Error(`${where}: a filled <${tag}> is not supported (fill="none" only)`);
    switch (tag) {
      case 'rect':
        shapes.push({
          kind: 'rect',
          x: num(a, 'x', where, 0),
          y: num(a, 'y', where, 0),
          width: num(a, 'width', where),
          height: num(a, 'height', where),
          rx: num(a, 'rx', where, 0),
          ...common,
        });
        break;
      case 'circle':
        shapes.push({
          kind: 'circle',
          cx: num(a, 'cx', where),
          cy: num(a, 'cy', where),
          r: num(a, 'r', where),
          ...common,
        });
        break;
      case 'line':
        shapes.push({
          kind: 'polyline',
          points: [
            [num(a, 'x1', where), num(a, 'y1', where)],
            [num(a, 'x2', where), num(a, 'y2', where)],
          ],
          ...common,
        });
        break;
      case 'polyline': {
        const values = (a['points'] ?? '')
          .trim()
          .split(/[\s,]+/)
          .map(Number);
        if (values.length < 4 || values.length % 2 !== 0 || values.some((n) => !Number.isFinite(n)))
          throw new Error(`${where}: points="${a['points'] ?? ''}" needs pairs of numbers`);
        const points = [];
        for (let i = 0; i < values.length; i += 2) points.push([values[i], values[i + 1]]);
        shapes.push({ kind: 'polyline', points, ...common });
        break;
      }
    }
  }
  if (shapes.length === 0) throw new Error(`${file}: nothing to draw`);
  return { origin: [viewBox[0], viewBox[1]], size: viewBox[2], shapes };
};

/** Signed distance from (x, y) to the outline of a filled shape: negative inside. */
const shapeDistance = (shape, x, y) => {
  if (shape.kind === 'circle') return Math.hypot(x - shape.cx, y - shape.cy) - shape.r;
  // rect with rounded corners (rx clamped to half the shorter side, as SVG does)
  const hw = shape.width / 2;
  const hh = shape.height / 2;
  const r = Math.min(shape.rx, hw, hh);
  const qx = Math.abs(x - (shape.x + hw)) - hw + r;
  const qy = Math.abs(y - (shape.y + hh)) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};

/** Distance from (x, y) to a polyline's centre line. */
const polylineDistance = (points, x, y) => {
  let best = Infinity;
  for (let i = 1; i < points.length; i += 1) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
};

/**
 * Draw the parsed icon at size x size pixels: straight (not premultiplied) RGBA, 8 bits per channel.
 * @param {ReturnType<typeof parseIconSvg>} icon
 * @param {number} size
 * @returns {Buffer}
 */
export const rasterise = (icon, size) => {
  const scale = icon.size / size; // view box units per pixel
  const rgba = Buffer.alloc(size * size * 4);
  // Premultiplied accumulation per pixel, painted in document order ("source over").
  const layers = icon.shapes.flatMap((shape) => {
    const out = [];
    if (shape.kind !== 'polyline' && shape.fill !== null)
      out.push({ colour: shape.fill, alpha: shape.fillOpacity, distance: (x, y) => shapeDistance(shape, x, y) });
    if (shape.stroke !== null) {
      const half = shape.strokeWidth / 2;
      out.push({
        colour: shape.stroke,
        alpha: shape.strokeOpacity,
        distance:
          shape.kind === 'polyline'
            ? (x, y) => polylineDistance(shape.points, x, y) - half
            : (x, y) => Math.abs(shapeDistance(shape, x, y)) - half,
      });
    }
    return out;
  });
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const x = icon.origin[0] + (px + 0.5) * scale;
      const y = icon.origin[1] + (py + 0.5) * scale;
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        const coverage = Math.max(0, Math.min(1, 0.5 - layer.distance(x, y) / scale));
        if (coverage === 0) continue;
        const sa = coverage * layer.alpha;
        r = layer.colour[0] * sa + r * (1 - sa);
        g = layer.colour[1] * sa + g * (1 - sa);
        b = layer.colour[2] * sa + b * (1 - sa);
        a = sa + a * (1 - sa);
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round((r / a) * 255);
        rgba[o + 1] = Math.round((g / a) * 255);
        rgba[o + 2] = Math.round((b / a) * 255);
        rgba[o + 3] = Math.round(a * 255);
      }
    }
  }
  return rgba;
};
