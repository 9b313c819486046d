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
  /** Counts the readings, so that an answer for an older text is dropped. */
  let reading = 0;

  function plural(count, noun) {
    return count + ' ' + noun + (count === 1 ? '' : 's');
  }

  async function extract() {
    const text = $('input').value;
    if (!text.trim()) {
      status('Paste or load a text first.', true);
      return;
    }
    const current = ++reading;
    clearEvents();
    status('Reading…');
    const started = performance.now();
    // The events are asked for at once, beside the mentions, and drawn over the highlighted text.
    const events = call('ExtractionService/ExtractEvents', { text: text })
      .then((answer) => ({ answer: answer, at: performance.now() }), (error) => ({ error: error }));
    let answer;
    try {
      answer = await call('ExtractionService/ExtractEntities', { text: text });
    } catch (error) {
      if (current === reading) status(describeError(error), true);
      return;
    }
    if (current !== reading) return;
    const called = performance.now();
    renderText(text, answer.mentions || []);
    const rendered = performance.now();
    foundEntities = (answer.entities || []).map((summary) => summary.entity).filter(Boolean);
    fillPathPickers();
    const mentions = (answer.mentions || []).length;
    const box = $('text');
    box.dataset.callMs = (called - started).toFixed(1);
    box.dataset.renderMs = (rendered - called).toFixed(1);
    const line = plural(mentions, 'mention') + ' of ' + plural(foundEntities.length, 'known actor') +
      '; answered in ' + (called - started).toFixed(0) + ' ms, drawn in ' + (rendered - called).toFixed(0) + ' ms';
    status(line + '.');
    const found = await events;
    if (current !== reading) return;
    if (found.error) {
      status(line + '; events: ' + describeError(found.error), true);
      return;
    }
    const eventsStarted = performance.now();
    showEvents(found.answer.events || []);
    const drawn = performance.now();
    box.dataset.eventsCallMs = (found.at - started).toFixed(1);
    box.dataset.eventsRenderMs = (drawn - eventsStarted).toFixed(1);
    box.dataset.events = String(shownEvents.length);
    status(line + '; ' + plural(shownEvents.length, 'event') + ', drawn ' + (drawn - started).toFixed(0) +
      ' ms after the click.');
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
    placeTip(anchor, [element('strong', {}, mention.text || ''), element('dl', {}, ...rows)]);
  }

  /** Shows the tooltip with `content` below `anchor`, inside the text panel. */
  function placeTip(anchor, content) {
    const tip = $('tip');
    tip.replaceChildren(...content);
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

  // ---- events ------------------------------------------------------------------------------

  const QUADS = {
    QUAD_CLASS_VERBAL_COOPERATION: 'verbal cooperation',
    QUAD_CLASS_MATERIAL_COOPERATION: 'material cooperation',
    QUAD_CLASS_VERBAL_CONFLICT: 'verbal conflict',
    QUAD_CLASS_MATERIAL_CONFLICT: 'material conflict',
  };
  /** Below this width the arrows would clutter the text: the list alone shows the events. */
  const NARROW = window.matchMedia('(max-width: 599px)');

  /** The events of the text on screen, in text order, with their marks and mention buttons. */
  let shownEvents = [];

  function quadName(event) {
    return QUADS[event.quadClass] || 'unclassified';
  }

  function quadClass(event) {
    return 'quad-' + quadName(event).replace(' ', '-');
  }

  function spanOf(textSpan) {
    return { start: (textSpan || {}).utf16Start || 0, end: (textSpan || {}).utf16End || 0 };
  }

  function clearEvents() {
    unfocusEvents();
    shownEvents = [];
    const box = $('text');
    for (const key of ['events', 'eventsCallMs', 'eventsRenderMs']) delete box.dataset[key];
    $('event-list').replaceChildren();
    $('events').hidden = true;
    $('event-arrows').replaceChildren();
    $('event-arrows').dataset.arrows = '0';
  }

  /** Marks the events' triggers in the highlighted text, lists the events and draws their arrows. */
  function showEvents(events) {
    const box = $('text');
    const buttons = new Map();
    for (const button of box.querySelectorAll('.mention')) buttons.set(button.dataset.utf16Start + '-' + button.dataset.utf16End, button);
    const button = (mention) => {
      const span = spanOf(mention && mention.span);
      return buttons.get(span.start + '-' + span.end);
    };
    shownEvents = events.map((event, index) => ({
      event: event, index: index, trigger: spanOf(event.trigger), marks: [],
      source: button(event.source), target: button(event.target),
    }));
    markTriggers(box);
    $('event-list').replaceChildren(...shownEvents.map(eventItem));
    $('events').hidden = shownEvents.length === 0;
    drawArrows();
  }

  /**
   * Wraps each trigger in a mark, splitting the text nodes between the mention buttons at the
   * triggers' UTF-16 offsets (a JavaScript string's length counts UTF-16 units too). Triggers
   * that share words share one mark; a part of a trigger inside a mention is not marked again.
   */
  function markTriggers(box) {
    const groups = [];
    const ordered = [...shownEvents].sort((a, b) => a.trigger.start - b.trigger.start || a.trigger.end - b.trigger.end);
    for (const shown of ordered) {
      if (shown.trigger.end <= shown.trigger.start) continue;
      const last = groups[groups.length - 1];
      if (last && shown.trigger.start < last.end) {
        last.end = Math.max(last.end, shown.trigger.end);
        last.events.push(shown);
      } else {
        groups.push({ start: shown.trigger.start, end: shown.trigger.end, events: [shown] });
      }
    }
    let offset = 0;
    let next = 0;
    for (const child of [...box.childNodes]) {
      const length = child.textContent.length;
      const from = offset;
      offset += length;
      if (child.nodeType !== Node.TEXT_NODE) continue;
      while (next < groups.length && groups[next].end <= from) next += 1;
      const inside = [];
      for (let i = next; i < groups.length && groups[i].start < offset; i += 1) inside.push(groups[i]);
      if (!inside.length) continue;
      const text = child.textContent;
      const fragment = document.createDocumentFragment();
      let cursor = 0;
      for (const group of inside) {
        const start = Math.max(group.start, from) - from;
        const end = Math.min(group.end, offset) - from;
        if (start > cursor) fragment.append(text.slice(cursor, start));
        fragment.append(triggerMark(group, text.slice(start, end), from + start, from + end));
        cursor = end;
      }
      if (cursor < length) fragment.append(text.slice(cursor));
      child.replaceWith(fragment);
    }
  }

  function triggerMark(group, shown, start, end) {
    const first = group.events[0].event;
    const mark = element('mark', {
      class: 'trigger ' + quadClass(first) + (group.events.every((e) => e.event.negated) ? ' negated' : ''),
      'data-utf16-start': String(start),
      'data-utf16-end': String(end),
      'data-events': group.events.map((e) => e.index).join(' '),
    }, shown);
    for (const e of group.events) e.marks.push(mark);
    mark.addEventListener('mouseenter', () => focusEvents(group.events, mark));
    mark.addEventListener('mouseleave', restoreFocused);
    return mark;
  }

  function actor(mention) {
    return (mention && mention.text) || '?';
  }

  function eventItem(shown) {
    const event = shown.event;
    const item = element('li', {
      class: 'event ' + quadClass(event) + (event.negated ? ' negated' : ''),
      tabindex: '0',
      'data-event': String(shown.index),
    },
    element('span', {}, actor(event.source) + ' → ' + actor(event.target) + ': '),
    element('strong', {}, (event.negated ? 'not: ' : '') + (event.codeName || event.code)),
    ' ', element('span', { class: 'muted' }, '(' + event.code + ', “' + (event.triggerText || '') + '”)'));
    shown.item = item;
    const open = () => {
      focusEvents([shown], item);
      revealTrigger(shown);
    };
    item.addEventListener('focus', open);
    item.addEventListener('blur', unfocusEvents);
    item.addEventListener('mouseenter', () => focusEvents([shown], item));
    item.addEventListener('mouseleave', restoreFocused);
    return item;
  }

  /**
   * Scrolls the text box (not the page) so that the focused event's trigger is in the part of
   * the box on screen, when enough of the box is on screen to show it.
   */
  function revealTrigger(shown) {
    const mark = shown.marks[0];
    if (!mark) return;
    const scroller = $('text-scroll');
    const box = scroller.getBoundingClientRect();
    const top = Math.max(box.top, 0);
    const bottom = Math.min(box.top + scroller.clientHeight, window.innerHeight);
    const at = mark.getBoundingClientRect();
    if (bottom - top < 3 * at.height || (at.top >= top && at.bottom <= bottom)) return;
    scroller.scrollTop += at.top - (top + bottom) / 2;
  }

  /** Highlights some events' arrows, marks and actors, and shows their tooltip by `anchor`. */
  function focusEvents(list, anchor) {
    unfocusEvents();
    $('event-arrows').classList.add('focused');
    for (const shown of list) {
      for (const node of [shown.arrow, shown.item, shown.source, shown.target, ...shown.marks]) {
        if (node) node.classList.add('active');
      }
    }
    showEventTip(anchor, list.map((shown) => shown.event));
  }

  /** After a hover: back to the event the keyboard is on, if any. */
  function restoreFocused() {
    const focused = document.activeElement;
    const shown = focused && focused.matches('#event-list li') ? shownEvents[Number(focused.dataset.event)] : undefined;
    if (shown) focusEvents([shown], focused);
    else unfocusEvents();
  }

  function unfocusEvents() {
    $('event-arrows').classList.remove('focused');
    for (const node of document.querySelectorAll('#text-panel .active')) node.classList.remove('active');
    hideTip();
  }

  function showEventTip(anchor, events) {
    const blocks = [];
    for (const event of events) {
      const rows = [];
      const row = (term, value) => rows.push(element('dt', {}, term), element('dd', {}, value));
      const who = (mention) => actor(mention) + (mention && mention.entityId ? ' (' + mention.entityId + ')' : '') +
        (mention && mention.metonymFor ? ', for ' + mention.metonymFor.name : '');
      const trigger = spanOf(event.trigger);
      row('code', event.code + ' ' + (event.codeName || '') + ' (root ' + (event.root || '?') + ', ' + quadName(event) + ')');
      row('who', who(event.source) + ' → ' + who(event.target) + (event.symmetric ? ', mutual' : ''));
      row('trigger', '“' + (event.triggerText || '') + '”, UTF-16 ' + trigger.start + '–' + trigger.end);
      row('negated', event.negated ? 'yes: the text says it did not happen' : 'no');
      row('confidence', (event.confidence || 0).toFixed(2));
      row('rule', event.explanation || '');
      const corroborated = [...(event.corroboratedRelationIds || []), ...(event.corroboratedAgreementIds || [])];
      row('corroborates', corroborated.length ? corroborated.join(', ') : 'nothing in the model');
      blocks.push(element('strong', {}, (event.negated ? 'not: ' : '') + (event.codeName || event.code)), element('dl', {}, ...rows));
    }
    placeTip(anchor, blocks);
  }

  /** Draws one arrow per event over the text, from its source's mention to its target's. */
  function drawArrows() {
    const layer = $('event-arrows');
    const box = $('text');
    const drawable = shownEvents.filter((shown) => shown.source && shown.target);
    if (!drawable.length || NARROW.matches) {
      layer.replaceChildren();
      for (const shown of shownEvents) shown.arrow = undefined;
      layer.dataset.arrows = '0';
      return;
    }
    const origin = box.getBoundingClientRect();
    layer.setAttribute('width', String(Math.ceil(origin.width)));
    layer.setAttribute('height', String(Math.ceil(origin.height)));
    layer.setAttribute('viewBox', '0 0 ' + Math.ceil(origin.width) + ' ' + Math.ceil(origin.height));
    const heads = Object.keys(QUADS).map((key) => quadName({ quadClass: key }).replace(' ', '-')).concat('unclassified');
    const defsNode = svg('defs', {}, ...heads.map((name) =>
      svg('marker', { id: 'event-head-' + name, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto' },
        svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'head quad-' + name }))));
    const pairs = new Map();
    const arrows = drawable.map((shown) => {
      const key = [shown.source, shown.target].map((b) => b.dataset.utf16Start).sort().join('-');
      const bend = pairs.get(key) || 0;
      pairs.set(key, bend + 1);
      const arrow = eventArrow(shown, origin, bend);
      shown.arrow = arrow;
      return arrow;
    });
    layer.replaceChildren(defsNode, ...arrows);
    layer.dataset.arrows = String(arrows.length);
  }

  /** The rectangle (relative to `origin`) of a mention's line box nearest a point. */
  function nearestRect(button, origin, towardsX, towardsY) {
    let best;
    let bestDistance = Infinity;
    for (const rect of button.getClientRects()) {
      const x = rect.left + rect.width / 2 - origin.left;
      const y = rect.top + rect.height / 2 - origin.top;
      const distance = Math.hypot(x - towardsX, y - towardsY);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = { left: rect.left - origin.left, top: rect.top - origin.top, width: rect.width, height: rect.height };
      }
    }
    return best || { left: 0, top: 0, width: 0, height: 0 };
  }

  function centre(button, origin) {
    const rect = button.getBoundingClientRect();
    return { x: rect.left + rect.width / 2 - origin.left, y: rect.top + rect.height / 2 - origin.top };
  }

  /**
   * One line's arrow arcs over it, from the top of the source to the top of the target. Across
   * lines it leaves the source's edge that faces the target and enters the target's facing edge,
   * with both control points in the gap between the lines, so that between neighbouring lines it
   * runs in the gap and crosses no words. A pair's further events arc higher or start further
   * along their mentions.
   */
  function eventArrow(shown, origin, bend) {
    const event = shown.event;
    const targetCentre = centre(shown.target, origin);
    const a = nearestRect(shown.source, origin, targetCentre.x, targetCentre.y);
    const b = nearestRect(shown.target, origin, a.left + a.width / 2, a.top + a.height / 2);
    const along = (rect) => Math.max(rect.left + 2, Math.min(rect.left + rect.width - 2, rect.left + rect.width / 2 + bend * 6));
    const sx = along(a);
    const tx = along(b);
    const at = (x, y) => x.toFixed(1) + ',' + y.toFixed(1);
    let path;
    if (Math.abs(a.top - b.top) < a.height / 2) {
      const y = Math.min(a.top, b.top) + 1;
      // The arc's top is `lift` above the line (a cubic's top is 3/4 of its controls' height),
      // inside the text box.
      const lift = Math.max(3, Math.min(8 + Math.min(Math.abs(tx - sx) * 0.02, 4) + bend * 3, y - 1));
      const control = y - lift / 0.75;
      path = 'M' + at(sx, y) + ' C' + at(sx, control) + ' ' + at(tx, control) + ' ' + at(tx, y);
    } else {
      const down = b.top > a.top;
      const sy = down ? a.top + a.height - 1 : a.top + 1;
      const ty = down ? b.top + 1 : b.top + b.height - 1;
      const gap = down ? Math.min(sy + 12, (sy + ty) / 2) : Math.max(sy - 12, (sy + ty) / 2);
      const near = down ? Math.max(ty - 12, (sy + ty) / 2) : Math.min(ty + 12, (sy + ty) / 2);
      path = 'M' + at(sx, sy) + ' C' + at(sx, gap) + ' ' + at(tx, near) + ' ' + at(tx, ty);
    }
    const name = quadClass(event);
    return svg('g', { class: 'event-arrow ' + name + (event.negated ? ' negated' : ''), 'data-event': shown.index },
      svg('path', { d: path, 'marker-end': 'url(#event-head-' + name.slice(5) + ')' }));
  }

  let redraw = 0;
  function redrawArrows() {
    if (redraw) return;
    redraw = requestAnimationFrame(() => {
      redraw = 0;
      drawArrows();
    });
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
    new ResizeObserver(redrawArrows).observe($('text'));
    NARROW.addEventListener('change', redrawArrows);
    $('input').addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) extract();
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') unfocusEvents();
    });
    listDocuments();
  });
}());
