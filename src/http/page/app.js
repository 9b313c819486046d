// The actorgraph page: highlights the actors of a text and draws their relations. It calls the
// server's Connect JSON routes on its own origin and builds every node of the DOM itself:
// nothing from the text or the answers is ever parsed as HTML.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const TYPES = {
    ENTITY_TYPE_PERSON: 'person',
    ENTITY_TYPE_ORGANIZATION: 'organization',
    ENTITY_TYPE_COUNTRY: 'country',
    ENTITY_TYPE_CITY: 'city',
    ENTITY_TYPE_REGION: 'region',
  };
  const KINDS = {
    MENTION_KIND_NAME: 'name',
    MENTION_KIND_ACRONYM: 'acronym',
    MENTION_KIND_DEMONYM: 'demonym',
  };
  const $ = (id) => document.getElementById(id);

  /** A failed call: the Connect error's code, message and ErrorInfo reason. */
  class CallError extends Error {
    constructor(code, message, reason) {
      super(message || code);
      this.code = code;
      this.reason = reason;
    }
  }

  /** Calls one unary RPC over Connect JSON. */
  async function call(method, request) {
    const response = await fetch('/actorgraph.v1.' + method, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Connect-Protocol-Version': '1' },
      body: JSON.stringify(request),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const info = (json.details || []).find((d) => d.type === 'google.rpc.ErrorInfo');
      throw new CallError(json.code || String(response.status), json.message,
        info && info.debug ? info.debug.reason : undefined);
    }
    return json;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    for (const child of children) node.append(child);
    return node;
  }

  function typeName(type) {
    return TYPES[type] || 'unspecified';
  }

  function status(message, isError) {
    const line = $('status');
    line.textContent = message;
    line.classList.toggle('error', Boolean(isError));
  }

  function describeError(error) {
    if (error instanceof CallError) {
      return error.message + (error.reason ? ' (' + error.reason + ')' : '');
    }
    return 'the server could not be reached: ' + error.message;
  }

  // ---- the text and its mentions ----------------------------------------------------------

  /** Names of the entities found in the last text, by id, for the path pickers. */
  let foundEntities = [];

  async function extract() {
    const text = $('input').value;
    if (!text.trim()) {
      status('Paste or load a text first.', true);
      return;
    }
    status('Reading…');
    const started = performance.now();
    let answer;
    try {
      answer = await call('ExtractionService/ExtractEntities', { text: text });
    } catch (error) {
      status(describeError(error), true);
      return;
    }
    const called = performance.now();
    renderText(text, answer.mentions || []);
    const rendered = performance.now();
    foundEntities = (answer.entities || []).map((summary) => summary.entity).filter(Boolean);
    fillPathPickers();
    const mentions = (answer.mentions || []).length;
    const box = $('text');
    box.dataset.callMs = (called - started).toFixed(1);
    box.dataset.renderMs = (rendered - called).toFixed(1);
    const plural = (count, noun) => count + ' ' + noun + (count === 1 ? '' : 's');
    status(plural(mentions, 'mention') + ' of ' + plural(foundEntities.length, 'known actor') + '; answered in ' +
      (called - started).toFixed(0) + ' ms, drawn in ' + (rendered - called).toFixed(0) + ' ms.');
  }

  /** The text with one focusable mark per mention, cut at the mentions' UTF-16 offsets. */
  function renderText(text, mentions) {
    const fragment = document.createDocumentFragment();
    let cursor = 0;
    const ordered = mentions
      .map((mention) => ({ mention, start: (mention.span || {}).utf16Start || 0, end: (mention.span || {}).utf16End || 0 }))
      .sort((a, b) => a.start - b.start);
    for (const { mention, start, end } of ordered) {
      if (start < cursor || end <= start || end > text.length) continue;
      if (start > cursor) fragment.append(text.slice(cursor, start));
      fragment.append(mentionMark(mention, text.slice(start, end), start, end));
      cursor = end;
    }
    if (cursor < text.length) fragment.append(text.slice(cursor));
    const box = $('text');
    box.replaceChildren(fragment);
    box.dataset.mentions = String(box.querySelectorAll('.mention').length);
  }

  function mentionMark(mention, shown, start, end) {
    const known = Boolean(mention.entityId);
    const classes = ['mention', 'type-' + typeName(mention.type)];
    if (!known) classes.push('unknown');
    const mark = element('button', {
      type: 'button',
      class: classes.join(' '),
      'data-utf16-start': String(start),
      'data-utf16-end': String(end),
      'aria-label': shown + ', ' + (known ? (mention.canonicalName || mention.entityId) : 'unknown name') +
        ', ' + typeName(mention.type),
    }, shown);
    if (known) mark.dataset.entityId = mention.entityId;
    mark.addEventListener('mouseenter', () => showTip(mark, mention));
    mark.addEventListener('focus', () => showTip(mark, mention));
    mark.addEventListener('mouseleave', hideTip);
    mark.addEventListener('blur', hideTip);
    mark.addEventListener('click', () => {
      if (known) drawRelations(mention.metonymFor && mention.metonymFor.id ? mention.metonymFor : {
        id: mention.entityId, name: mention.canonicalName, type: mention.type,
      }, mention.entityId);
      else showTip(mark, mention);
    });
    return mark;
  }

  function showTip(anchor, mention) {
    const tip = $('tip');
    const span = mention.span || {};
    const rows = [];
    const row = (term, value) => rows.push(element('dt', {}, term), element('dd', {}, value));
    if (mention.entityId) {
      row('entity', (mention.canonicalName || '') + ' (' + mention.entityId + ')');
    } else {
      row('entity', 'unknown name' + (mention.localId ? ' (' + mention.localId + ')' : ''));
    }
    row('type', typeName(mention.type) + ', ' + (KINDS[mention.kind] || 'name'));
    if (mention.metonymFor) row('stands for', mention.metonymFor.name + ' (' + mention.metonymFor.id + ')');
    row('confidence', (mention.confidence || 0).toFixed(2));
    row('offsets', 'UTF-16 ' + (span.utf16Start || 0) + '–' + (span.utf16End || 0) +
      ', bytes ' + (span.byteStart || 0) + '–' + (span.byteEnd || 0) +
      ', code points ' + (span.charStart || 0) + '–' + (span.charEnd || 0));
    tip.replaceChildren(element('strong', {}, mention.text || ''), element('dl', {}, ...rows));
    tip.hidden = false;
    const box = anchor.getBoundingClientRect();
    const panel = $('text-panel').getBoundingClientRect();
    const left = Math.max(0, Math.min(box.left - panel.left, panel.width - tip.offsetWidth));
    tip.style.left = left + 'px';
    tip.style.top = (box.bottom - panel.top + 6) + 'px';
  }

  function hideTip() {
    $('tip').hidden = true;
  }

  // ---- the graph ---------------------------------------------------------------------------

  const WIDTH = 640;
  const HEIGHT = 480;

  function defs() {
    return svg('defs', {},
      svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow-head' })));
  }

  function label(text, limit) {
    return text.length > limit ? text.slice(0, limit - 1) + '…' : text;
  }

  /** A node: a circle coloured by type and its name; Enter or a click draws its relations. */
  function node(entity, x, y, radius, centre) {
    const group = svg('g', {
      class: 'node type-' + typeName(entity.type) + (centre ? ' centre' : ''),
      'data-id': entity.id,
      tabindex: 0,
      role: 'button',
      'aria-label': entity.name + ', ' + typeName(entity.type) + (centre ? '' : ': draw its relations'),
      transform: 'translate(' + x.toFixed(1) + ',' + y.toFixed(1) + ')',
    },
    svg('title', {}, entity.name + ' (' + entity.id + ', ' + typeName(entity.type) + ')'),
    svg('circle', { r: radius }),
    svg('text', { y: radius + 14, 'text-anchor': 'middle' }, label(entity.name || entity.id, 22)));
    const open = () => drawRelations(entity);
    group.addEventListener('click', open);
    group.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    });
    return group;
  }

  /** An edge from one point to another, bent by `bend` (for several relations of one pair). */
  function edge(relation, predicate, from, to, bend, radius, labelAt) {
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const length = Math.hypot(dx, dy) || 1;
    const nx = -dy / length;
    const ny = dx / length;
    const cx = (from.x + to.x) / 2 + nx * bend;
    const cy = (from.y + to.y) / 2 + ny * bend;
    // Start and end on the circles, not at their centres.
    const start = towards(from, { x: cx, y: cy }, radius);
    const end = towards(to, { x: cx, y: cy }, radius + 2);
    // The label sits on the curve; parallel edges put theirs at different points along it.
    const t = labelAt === undefined ? 0.5 : labelAt;
    const midX = (1 - t) * (1 - t) * start.x + 2 * t * (1 - t) * cx + t * t * end.x;
    const midY = (1 - t) * (1 - t) * start.y + 2 * t * (1 - t) * cy + t * t * end.y;
    const evidence = (relation.evidence || []).map((e) => '“' + e.quote + '”').join('\n');
    const group = svg('g', {
      class: 'edge' + (relation.derivedVia && relation.derivedVia.length ? ' derived' : ''),
      'data-relation': relation.id,
      'data-predicate': predicate,
      tabindex: 0,
      'aria-label': relation.statement || relation.id,
    },
    svg('title', {}, (relation.statement || relation.id) + (evidence ? '\n' + evidence : '')),
    svg('path', { d: 'M' + start.x.toFixed(1) + ',' + start.y.toFixed(1) + ' Q' + cx.toFixed(1) + ',' + cy.toFixed(1) + ' ' + end.x.toFixed(1) + ',' + end.y.toFixed(1), 'marker-end': 'url(#arrow)' }),
    svg('text', { x: midX.toFixed(1), y: (midY - 3).toFixed(1), 'text-anchor': 'middle' }, predicate));
    const show = () => showEvidence(relation);
    group.addEventListener('mouseenter', show);
    group.addEventListener('focus', show);
    return group;
  }

  function towards(point, target, distance) {
    const dx = target.x - point.x;
    const dy = target.y - point.y;
    const length = Math.hypot(dx, dy) || 1;
    return { x: point.x + (dx / length) * distance, y: point.y + (dy / length) * distance };
  }

  function showEvidence(relation) {
    const box = $('evidence');
    const quotes = (relation.evidence || []).map((e) => {
      const span = e.span || {};
      return element('blockquote', {}, e.quote || '',
        element('small', {}, ' — ' + e.documentId + ', UTF-16 ' + (span.utf16Start || 0) + '–' + (span.utf16End || 0)));
    });
    box.replaceChildren(element('p', {}, element('strong', {}, relation.statement || relation.id)), ...quotes);
  }

  function relationItem(relation) {
    const item = element('li', {}, relation.statement || relation.id);
    const quote = (relation.evidence || [])[0];
    if (quote) item.append(element('q', {}, quote.quote));
    return item;
  }

  /** The relations of one entity: it in the centre, the entities it relates to around it. */
  async function drawRelations(entity, clickedId) {
    setGraphTitle('Loading the relations of ' + (entity.name || entity.id) + '…');
    let answer;
    try {
      answer = await call('KnowledgeService/ListRelations', { entity_id: entity.id, page_size: 200 });
    } catch (error) {
      setGraphTitle(describeError(error), true);
      return;
    }
    const relations = answer.relations || [];
    const graph = $('graph');
    graph.dataset.mode = 'relations';
    graph.dataset.entityId = entity.id;
    const centre = { x: WIDTH / 2, y: HEIGHT / 2 };
    const others = new Map();
    for (const relation of relations) {
      for (const end of [relation.subject, relation.object]) {
        if (end && end.id !== entity.id && !others.has(end.id)) others.set(end.id, end);
      }
    }
    const positions = new Map([[entity.id, centre]]);
    const ring = Math.min(WIDTH, HEIGHT) / 2 - 48;
    [...others.values()].forEach((other, index) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * index) / Math.max(others.size, 1);
      positions.set(other.id, { x: centre.x + ring * Math.cos(angle), y: centre.y + ring * Math.sin(angle) });
    });
    const pairs = new Map();
    for (const relation of relations) {
      const key = [relation.subject.id, relation.object.id].sort().join(' ');
      pairs.set(key, (pairs.get(key) || 0) + 1);
    }
    const seen = new Map();
    const edges = relations.map((relation) => {
      const key = [relation.subject.id, relation.object.id].sort().join(' ');
      const count = pairs.get(key);
      const index = seen.get(key) || 0;
      seen.set(key, index + 1);
      const bend = (index - (count - 1) / 2) * 44 * (relation.subject.id < relation.object.id ? 1 : -1);
      const labelAt = count > 1 ? 0.3 + (0.4 * index) / (count - 1) : 0.5;
      return edge(relation, relation.predicate, positions.get(relation.subject.id), positions.get(relation.object.id), bend, 18, labelAt);
    });
    const nodes = [...others.values()].map((other) => node(other, positions.get(other.id).x, positions.get(other.id).y, 16, false));
    const named = entity.name || (others.get(entity.id) || {}).name || entity.id;
    const centreEntity = { id: entity.id, name: named, type: entity.type || guessType(relations, entity.id) };
    graph.replaceChildren(defs(), svg('g', { class: 'edges' }, ...edges),
      svg('g', { class: 'nodes' }, node(centreEntity, centre.x, centre.y, 24, true), ...nodes));
    $('relation-list').replaceChildren(...relations.map(relationItem));
    $('evidence').replaceChildren();
    const through = clickedId && clickedId !== entity.id ? ' (' + clickedId + ' stands for it)' : '';
    setGraphTitle(relations.length
      ? relations.length + ' relations of ' + named + through + '. Hover or focus an arrow for its evidence; choose a node to go on.'
      : named + ' has no relations in the model.');
    if (clickedId) selectPathEnd(entity.id);
  }

  function guessType(relations, id) {
    for (const relation of relations) {
      if (relation.subject.id === id) return relation.subject.type;
      if (relation.object.id === id) return relation.object.type;
    }
    return undefined;
  }

  function setGraphTitle(text, isError) {
    const title = $('graph-title');
    title.textContent = text;
    title.classList.toggle('error', Boolean(isError));
  }

  // ---- paths -------------------------------------------------------------------------------

  function fillPathPickers() {
    for (const id of ['path-from', 'path-to']) {
      const picker = $(id);
      const chosen = picker.value;
      picker.replaceChildren(...foundEntities.map((entity) => element('option', { value: entity.id }, entity.name)));
      if (foundEntities.some((entity) => entity.id === chosen)) picker.value = chosen;
    }
    if (foundEntities.length > 1 && $('path-from').value === $('path-to').value) {
      $('path-to').selectedIndex = 1;
    }
  }

  function selectPathEnd(id) {
    if (foundEntities.some((entity) => entity.id === id)) $('path-from').value = id;
  }

  /** The paths between two actors, one row per path, left to right. */
  async function drawPaths(event) {
    event.preventDefault();
    const source = $('path-from').value;
    const target = $('path-to').value;
    if (!source || !target) {
      setGraphTitle('Find the actors of a text first, then choose two of them.', true);
      return;
    }
    let answer;
    try {
      answer = await call('KnowledgeService/FindPaths', {
        source_id: source, target_id: target, max_hops: Number($('path-hops').value), max_paths: 5,
      });
    } catch (error) {
      setGraphTitle(describeError(error), true);
      return;
    }
    const paths = answer.paths || [];
    const graph = $('graph');
    graph.dataset.mode = 'paths';
    delete graph.dataset.entityId;
    const rows = Math.max(paths.length, 1);
    const edges = [];
    const nodes = [];
    paths.forEach((path, row) => {
      const hops = path.hops || [];
      const y = (HEIGHT / rows) * (row + 0.5);
      const step = (WIDTH - 120) / Math.max(hops.length, 1);
      const points = hops.length ? [hops[0].from, ...hops.map((hop) => hop.to)] : [];
      points.forEach((entity, index) => nodes.push(node(entity, 60 + step * index, y, 16, false)));
      hops.forEach((hop, index) => {
        edges.push(edge(hop.relation, hop.predicate, { x: 60 + step * index, y: y }, { x: 60 + step * (index + 1), y: y }, 0, 18));
      });
    });
    graph.replaceChildren(defs(), svg('g', { class: 'edges' }, ...edges), svg('g', { class: 'nodes' }, ...nodes));
    $('relation-list').replaceChildren(...paths.map((path) =>
      element('li', {}, (path.hops || []).map((hop) => hop.from.name + ' ' + hop.predicate + ' ' + hop.to.name).join(' ; '))));
    $('evidence').replaceChildren();
    setGraphTitle(answer.summary + (answer.truncated ? ' (the search stopped at its budget)' : ''));
  }

  // ---- loading texts -----------------------------------------------------------------------

  async function listDocuments() {
    try {
      const answer = await call('KnowledgeService/ListDocuments', {});
      $('documents').replaceChildren(...(answer.documents || []).map((d) => element('option', { value: d.id }, d.title || d.id)));
    } catch (error) {
      status(describeError(error), true);
    }
  }

  async function loadDocument() {
    const id = $('documents').value;
    if (!id) return;
    try {
      const answer = await call('KnowledgeService/GetDocument', { id: id });
      $('input').value = answer.document.text;
      await extract();
    } catch (error) {
      status(describeError(error), true);
    }
  }

  function openFile() {
    const file = $('file').files[0];
    if (!file) return;
    file.text().then((text) => {
      $('input').value = text;
      return extract();
    }, (error) => status('cannot read ' + file.name + ': ' + error.message, true));
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('extract').addEventListener('click', extract);
    $('load-document').addEventListener('click', loadDocument);
    $('file').addEventListener('change', openFile);
    $('paths-form').addEventListener('submit', drawPaths);
    $('input').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) extract();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') hideTip();
    });
    listDocuments();
  });
}());
