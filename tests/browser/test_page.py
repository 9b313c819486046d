#!/usr/bin/env python3
"""The page at / in a real browser: headless Chromium driven by Selenium, against the real server.

Starts the server binary on an ephemeral port, loads the page, pastes the seed article, checks
the highlighted mentions against the API's own answer (count, offsets, entities), checks the
tooltip, clicks an entity and checks the graph's nodes and edges against ListRelations, walks
the graph with the keyboard, draws the paths between two actors against FindPaths, checks the
events (trigger marks, list, arrows, tooltip) against ExtractEvents, and looks at the page on a
phone's width. Saves screenshots and prints the figures it measured.

Usage: test_page.py SERVER_BINARY [SCREENSHOT_DIR]
Needs: the selenium package, and Debian's chromium and chromium-driver (CHROMEDRIVER and
CHROMIUM override their paths).
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = (ROOT / "data" / "article.txt").read_text(encoding="utf-8")


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, request):
    """One Connect JSON call, as the page makes it."""
    body = json.dumps(request).encode()
    http_request = urllib.request.Request(
        f"{base}/actorgraph.v1.{method}", data=body, method="POST",
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(http_request, timeout=10) as response:
        return json.load(response)


def start_server(binary, log):
    port = free_port()
    process = subprocess.Popen(
        [binary, "--listen", f"127.0.0.1:{port}", "--data", f"{ROOT / 'data' / 'world'},{ROOT / 'data'}",
         "--watch", "false", "--store", "off"],
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        if process.poll() is not None:
            raise RuntimeError("the server exited before serving")
        try:
            health = urllib.request.Request(
                f"{base}/grpc.health.v1.Health/Check", data=b"{}", method="POST",
                headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(health, timeout=1) as response:
                if json.load(response).get("status") == "SERVING":
                    return process, base
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("the server never reported SERVING")


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,800", "--force-device-scale-factor=1", "--lang=en-US"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    resize(driver, 1280, 800)
    return driver


def resize(driver, width, height):
    """Makes the viewport (not the window) width × height."""
    driver.set_window_size(width, height)
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    driver.set_window_size(2 * width - inner[0], 2 * height - inner[1])


def wait(driver, condition, message, timeout=10):
    try:
        return WebDriverWait(driver, timeout).until(lambda d: condition(d))
    except Exception as error:
        raise AssertionError(f"{message} (waited {timeout} s)") from error


def page_mentions(driver):
    """(utf16 start, utf16 end, entity id or None, text) of every highlighted mention."""
    return driver.execute_script("""
        return [...document.querySelectorAll('#text .mention')].map(m => [
            Number(m.dataset.utf16Start), Number(m.dataset.utf16End), m.dataset.entityId || null,
            m.textContent]);""")


def utf16_slice(text, start, end):
    """The text between two UTF-16 offsets, as the API counts them."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def page_events(driver):
    """What the page shows of the events: the trigger marks, the list and the arrows, with where
    each arrow starts and ends against its source's and target's highlighted mention."""
    return driver.execute_script("""
        const text = document.getElementById('text');
        const layer = document.getElementById('event-arrows');
        return {
            count: text.dataset.events === undefined ? null : Number(text.dataset.events),
            marks: [...text.querySelectorAll('mark.trigger')].map(m => [
                Number(m.dataset.utf16Start), Number(m.dataset.utf16End), m.textContent,
                m.dataset.events.split(' ').map(Number)]),
            items: [...document.querySelectorAll('#event-list li')].map(li => [
                Number(li.dataset.event), li.textContent, li.tabIndex, li.classList.contains('negated')]),
            layerShown: getComputedStyle(layer).display !== 'none',
            arrows: [...layer.querySelectorAll('.event-arrow')].map(g => {
                const path = g.querySelector('path');
                return {
                    event: Number(g.dataset.event), negated: g.classList.contains('negated'),
                    quad: [...g.classList].find(c => c.startsWith('quad-')) || null,
                    dashed: getComputedStyle(path).strokeDasharray !== 'none',
                    length: path.getTotalLength(),
                };
            }),
        };""")


def arrow_ends(driver, events):
    """For each drawn arrow: does it start on its source's mention and end on its target's?"""
    return driver.execute_script("""
        const text = document.getElementById('text');
        const origin = text.getBoundingClientRect();
        const events = arguments[0];
        const within = (point, start) => {
            const button = text.querySelector('.mention[data-utf16-start="' + start + '"]');
            return Boolean(button) && [...button.getClientRects()].some(r =>
                point.x >= r.left - origin.left - 3 && point.x <= r.right - origin.left + 3 &&
                point.y >= r.top - origin.top - 3 && point.y <= r.bottom - origin.top + 3);
        };
        return [...document.querySelectorAll('#event-arrows .event-arrow')].map(g => {
            const path = g.querySelector('path');
            const event = events[Number(g.dataset.event)];
            return within(path.getPointAtLength(0), event[0]) &&
                within(path.getPointAtLength(path.getTotalLength()), event[1]);
        });""", [[e["source"]["span"].get("utf16Start", 0), e["target"]["span"].get("utf16Start", 0)] for e in events])


QUADS = {
    "QUAD_CLASS_VERBAL_COOPERATION": "quad-verbal-cooperation",
    "QUAD_CLASS_MATERIAL_COOPERATION": "quad-material-cooperation",
    "QUAD_CLASS_VERBAL_CONFLICT": "quad-verbal-conflict",
    "QUAD_CLASS_MATERIAL_CONFLICT": "quad-material-conflict",
}


def check_events(driver, base, text):
    """The page's events are ExtractEvents' answer for the same text, called here over HTTP: one
    list item and one arrow per event, from its source's mention to its target's, dashed when
    negated and coloured by quad class, and one mark per trigger at its UTF-16 offsets."""
    events = call(base, "ExtractionService/ExtractEvents", {"text": text})["events"]
    shown = page_events(driver)
    expect(shown["count"] == len(events), f"the page counts {shown['count']} events, the API {len(events)}")
    expect(len(shown["items"]) == len(events), f"{len(shown['items'])} listed, the API found {len(events)}")
    for (index, label, tab_index, negated), event in zip(shown["items"], events):
        expect(tab_index == 0, f"event {index} can be focused")
        expect(event["source"]["text"] in label and event["target"]["text"] in label and event["code"] in label,
               f"list item {index} names its actors and code: {label!r}")
        expect(negated == bool(event.get("negated")), f"list item {index} negated as the API says")
    triggers = {}
    for index, event in enumerate(events):
        start, end = event["trigger"].get("utf16Start", 0), event["trigger"].get("utf16End", 0)
        expect(utf16_slice(text, start, end) == event["triggerText"], f"the API's trigger {event['triggerText']!r}")
        triggers.setdefault((start, end, event["triggerText"]), []).append(index)
    marks = {(start, end, shown_text): indices for start, end, shown_text, indices in shown["marks"]}
    expect(marks == triggers, f"one mark per trigger at the API's offsets: {marks} vs {triggers}")
    return events, shown


def check_arrows(driver, events, shown):
    arrows = shown["arrows"]
    expect(shown["layerShown"] and len(arrows) == len(events), f"{len(arrows)} arrows for {len(events)} events")
    expect(sorted(a["event"] for a in arrows) == list(range(len(events))), "one arrow per event")
    for arrow in arrows:
        event = events[arrow["event"]]
        expect(arrow["negated"] == bool(event.get("negated")) == arrow["dashed"],
               f"event {arrow['event']}: dashed when negated, else solid")
        expect(arrow["quad"] == QUADS.get(event["quadClass"], "quad-unclassified"),
               f"event {arrow['event']} coloured by its quad class: {arrow['quad']}")
        expect(arrow["length"] > 4, f"event {arrow['event']}: the arrow is drawn")
    ends = arrow_ends(driver, events)
    expect(all(ends), f"every arrow from its source's mention to its target's: {ends}")


def graph_state(driver):
    return driver.execute_script("""
        const graph = document.getElementById('graph');
        return {
            mode: graph.dataset.mode || null,
            entity: graph.dataset.entityId || null,
            nodes: [...graph.querySelectorAll('.node')].map(n => n.dataset.id),
            edges: [...graph.querySelectorAll('.edge')].map(e => [e.dataset.relation, e.dataset.predicate]),
            labels: [...graph.querySelectorAll('.edge text')].map(t => t.textContent),
        };""")


def main():
    binary = sys.argv[1]
    screenshots = Path(sys.argv[2] if len(sys.argv) > 2 else ROOT / "target" / "screenshots")
    screenshots.mkdir(parents=True, exist_ok=True)
    figures = {}
    with tempfile.TemporaryFile() as log:
        server, base = start_server(binary, log)
        driver = None
        try:
            driver = browser()
            started = time.perf_counter()
            driver.get(base + "/")
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#documents option"),
                 "the page lists the model's documents")
            figures["page load to ready (ms)"] = round((time.perf_counter() - started) * 1000)

            # Paste the article and read it.
            area = driver.find_element(By.ID, "input")
            driver.execute_script("arguments[0].focus();", area)
            # A paste: the whole text arrives at once, as insertText does for a clipboard paste.
            driver.execute_script(
                "document.execCommand('insertText', false, arguments[0]);", ARTICLE)
            expect(area.get_property("value") == ARTICLE, "the article is in the text box")
            started = time.perf_counter()
            driver.find_element(By.ID, "extract").click()
            wait(driver, lambda d: d.find_element(By.ID, "text").get_attribute("data-mentions"),
                 "the mentions are drawn")
            figures["click to highlighted article (ms)"] = round((time.perf_counter() - started) * 1000)
            wait(driver, lambda d: d.find_element(By.ID, "text").get_attribute("data-events"),
                 "the events are drawn")
            figures["click to event arrows drawn (ms)"] = round((time.perf_counter() - started) * 1000)
            box = driver.find_element(By.ID, "text")
            figures["page: extraction call (ms)"] = float(box.get_attribute("data-call-ms"))
            figures["page: drawing the highlighted text (ms)"] = float(box.get_attribute("data-render-ms"))
            figures["page: events call, from the click (ms)"] = float(box.get_attribute("data-events-call-ms"))
            figures["page: marking and drawing the events (ms)"] = float(box.get_attribute("data-events-render-ms"))

            # The highlights are the API's mentions: same count, same UTF-16 offsets, same entities.
            answer = call(base, "ExtractionService/ExtractEntities", {"text": ARTICLE})
            expected = [[m["span"].get("utf16Start", 0), m["span"].get("utf16End", 0), m.get("entityId") or None,
                         m["text"]] for m in answer["mentions"]]
            shown = page_mentions(driver)
            expect(len(shown) == len(expected), f"{len(shown)} highlighted, the API found {len(expected)}")
            expect(shown == expected, "every highlight at the API's offsets, with its entity: "
                   + str([(s, e) for s, e in zip(shown, expected) if s != e][:3]))
            expect(driver.execute_script("return document.getElementById('text').textContent;") == ARTICLE,
                   "the text is shown whole, not a character lost")
            unknown = [m for m in shown if m[2] is None]
            figures["mentions highlighted (unknown names)"] = f"{len(shown)} ({len(unknown)})"
            expect(driver.find_elements(By.CSS_SELECTOR, "#text .mention.unknown") or not unknown,
                   "unknown names are marked apart")

            # Hover: the entity, its confidence and offsets.
            gnu = driver.find_element(By.CSS_SELECTOR, '#text .mention[data-entity-id="government-of-national-unity"]')
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", gnu)
            ActionChains(driver).move_to_element(gnu).perform()
            tip = driver.find_element(By.ID, "tip")
            wait(driver, lambda d: tip.is_displayed(), "the tooltip shows on hover")
            expect("government-of-national-unity" in tip.text and "confidence" in tip.text and "UTF-16" in tip.text,
                   f"the tooltip tells entity, confidence and offsets: {tip.text!r}")
            driver.save_screenshot(str(screenshots / "1-highlighted-article.png"))

            # The events: the API's, marked, listed and drawn as arrows.
            events, shown = check_events(driver, base, ARTICLE)
            check_arrows(driver, events, shown)
            figures["article events (trigger marks, arrows)"] = \
                f"{len(events)} ({len(shown['marks'])}, {len(shown['arrows'])})"
            # Focus an event of the list: its arrow, trigger and actors stand out, and the tooltip
            # tells code, name, actors, negation, confidence, rule and corroborated relations.
            chosen = next(i for i, e in enumerate(events) if e.get("corroboratedRelationIds"))
            event = events[chosen]
            item = driver.find_element(By.CSS_SELECTOR, f'#event-list li[data-event="{chosen}"]')
            ActionChains(driver).move_to_element_with_offset(driver.find_element(By.TAG_NAME, "h1"), 0, 0).perform()
            driver.execute_script("arguments[0].focus();", item)
            wait(driver, lambda d: tip.is_displayed() and event["codeName"] in tip.text, "focus on an event shows its tooltip")
            for part in [event["code"], event["codeName"], event["source"]["entityId"], " → ", event["target"]["entityId"],
                         "negated", "confidence", event["explanation"], event["corroboratedRelationIds"][0]]:
                expect(part in tip.text, f"the event's tooltip tells {part!r}: {tip.text!r}")
            active = driver.execute_script("""
                const all = (selector) => [...document.querySelectorAll(selector)];
                return {
                    arrows: all('#event-arrows .event-arrow.active').map(n => Number(n.dataset.event)),
                    marks: all('#text mark.trigger.active').map(n => n.dataset.events.split(' ').map(Number)),
                    mentions: all('#text .mention.active').map(n => Number(n.dataset.utf16Start)),
                };""")
            expect(active["arrows"] == [chosen] and len(active["marks"]) == 1 and chosen in active["marks"][0]
                   and sorted(active["mentions"]) == sorted(e["span"].get("utf16Start", 0) for e in (event["source"], event["target"])),
                   f"focus highlights the event's arrow, trigger and two actors: {active}")
            # Hover a trigger: the same tooltip, for every event of that trigger.
            driver.execute_script("document.activeElement.blur();")
            mark = driver.find_element(By.CSS_SELECTOR, "#text mark.trigger")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", mark)
            ActionChains(driver).move_to_element(mark).perform()
            first = events[int(mark.get_attribute("data-events").split()[0])]
            wait(driver, lambda d: tip.is_displayed() and first["codeName"] in tip.text and first["triggerText"] in tip.text,
                 "hover on a trigger shows its event's tooltip")
            ActionChains(driver).move_to_element_with_offset(driver.find_element(By.TAG_NAME, "h1"), 0, 0).perform()
            wait(driver, lambda d: not tip.is_displayed(), "the tooltip goes with the pointer")
            # The screenshot: the text from its third trigger on, where the classes vary most.
            driver.execute_script("""
                const marks = document.querySelectorAll('#text mark.trigger');
                const scroller = document.getElementById('text-scroll');
                scroller.scrollTop = marks.length > 2 ? marks[2].offsetTop - 50 : 0;
                document.getElementById('text-panel').scrollIntoView({block: 'start'});""")
            time.sleep(0.1)
            driver.save_screenshot(str(screenshots / "5-events.png"))
            driver.execute_script("window.scrollTo(0, 0);")

            # Click the entity: its relations, one node per entity, one edge per relation.
            started = time.perf_counter()
            gnu.click()
            wait(driver, lambda d: graph_state(d)["entity"] == "government-of-national-unity", "the graph is drawn")
            figures["click to relation graph (ms)"] = round((time.perf_counter() - started) * 1000)
            relations = call(base, "KnowledgeService/ListRelations",
                             {"entity_id": "government-of-national-unity", "page_size": 200})["relations"]
            graph = graph_state(driver)
            expected_nodes = {"government-of-national-unity"} | {
                end["id"] for r in relations for end in (r["subject"], r["object"])}
            expect(sorted(graph["nodes"]) == sorted(expected_nodes), f"nodes {graph['nodes']} vs {expected_nodes}")
            expect(sorted(graph["edges"]) == sorted([r["id"], r["predicate"]] for r in relations),
                   f"edges {graph['edges']}")
            expect(sorted(graph["labels"]) == sorted(r["predicate"] for r in relations), "edges labelled by predicate")
            figures["GNU graph: nodes, edges"] = f"{len(graph['nodes'])}, {len(graph['edges'])}"
            # Evidence on hover.
            first_edge = driver.find_element(By.CSS_SELECTOR, "#graph .edge")
            ActionChains(driver).move_to_element(first_edge.find_element(By.TAG_NAME, "text")).perform()
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence blockquote"), "evidence on hover")
            driver.execute_script("window.scrollTo(0, 0);")
            driver.save_screenshot(str(screenshots / "2-relations-of-the-gnu.png"))

            # The keyboard: focus a node and press Enter to go on to its relations.
            turkiye = driver.find_element(By.CSS_SELECTOR, '#graph .node[data-id="turkiye"]')
            driver.execute_script("arguments[0].focus();", turkiye)
            turkiye.send_keys(Keys.ENTER)
            wait(driver, lambda d: graph_state(d)["entity"] == "turkiye", "Enter on a node draws its relations")
            count = len(call(base, "KnowledgeService/ListRelations",
                             {"entity_id": "turkiye", "page_size": 200})["relations"])
            expect(len(graph_state(driver)["edges"]) == count, "Türkiye's relations, all of them")
            figures["Türkiye graph: edges"] = count
            tabbable = driver.execute_script(
                "return document.querySelectorAll('#text .mention, #graph .node, #graph .edge').length;")
            expect(tabbable > 0 and all(driver.execute_script(
                "return [...document.querySelectorAll('#graph .node, #graph .edge')].map(n => n.tabIndex);")) is not None,
                "nodes and edges are focusable")

            # Paths between two actors.
            Select(driver.find_element(By.ID, "path-from")).select_by_value("egypt")
            Select(driver.find_element(By.ID, "path-to")).select_by_value("turkiye")
            Select(driver.find_element(By.ID, "path-hops")).select_by_value("2")
            driver.find_element(By.ID, "find-paths").click()
            wait(driver, lambda d: graph_state(d)["mode"] == "paths", "the paths are drawn")
            paths = call(base, "KnowledgeService/FindPaths",
                         {"source_id": "egypt", "target_id": "turkiye", "max_hops": 2, "max_paths": 5})["paths"]
            graph = graph_state(driver)
            expect(len(graph["edges"]) == sum(len(p["hops"]) for p in paths), f"one edge per hop: {graph['edges']}")
            expect(len(paths) > 0, "Egypt and Türkiye are related")
            figures["Egypt–Türkiye paths (edges)"] = f"{len(paths)} ({len(graph['edges'])})"
            driver.execute_script("window.scrollTo(0, 0);")
            driver.save_screenshot(str(screenshots / "3-paths-egypt-turkiye.png"))

            # Names no entity claims are marked apart, and say so on focus.
            unknown_text = "Senator Chris Murphy met the Egyptian envoy near Tarhuna. Murphy left."
            driver.execute_script("const a = document.getElementById('input'); a.focus(); a.select();")
            driver.execute_script("document.execCommand('insertText', false, arguments[0]);", unknown_text)
            driver.find_element(By.ID, "extract").click()
            wait(driver, lambda d: d.execute_script(
                "return document.getElementById('text').textContent;") == unknown_text, "the short text is drawn")
            answer = call(base, "ExtractionService/ExtractEntities", {"text": unknown_text})
            unlinked = [[m["span"].get("utf16Start", 0), m["span"].get("utf16End", 0)]
                        for m in answer["mentions"] if not m.get("entityId")]
            marked = driver.execute_script("""
                return [...document.querySelectorAll('#text .mention.unknown')]
                    .filter(m => !m.dataset.entityId)
                    .map(m => [Number(m.dataset.utf16Start), Number(m.dataset.utf16End)]);""")
            expect(unlinked and marked == unlinked, f"unknown names marked apart: {marked} vs {unlinked}")
            first_unknown = driver.find_element(By.CSS_SELECTOR, "#text .mention.unknown")
            driver.execute_script("arguments[0].focus();", first_unknown)
            wait(driver, lambda d: "unknown name" in tip.text and "unknown-1" in tip.text,
                 "focus shows the tooltip, with the unknown actor's local id")
            figures["unknown names marked (short text)"] = len(marked)

            # A negated event is dashed, in the list and as an arrow.
            negated_text = "Egypt, the UAE and France back Haftar. Ankara did not recognise the LNA."
            driver.execute_script("const a = document.getElementById('input'); a.focus(); a.select();")
            driver.execute_script("document.execCommand('insertText', false, arguments[0]);", negated_text)
            driver.find_element(By.ID, "extract").click()
            wait(driver, lambda d: d.execute_script(
                "return document.getElementById('text').textContent;") == negated_text
                 and d.find_element(By.ID, "text").get_attribute("data-events"), "the short text's events are drawn")
            events, shown = check_events(driver, base, negated_text)
            check_arrows(driver, events, shown)
            expect([bool(e.get("negated")) for e in events] == [False, False, False, True], "the four events of the ExtractEvents example (docs/api.md)")
            figures["negated events drawn dashed"] = sum(a["dashed"] for a in shown["arrows"])

            # Load one of the model's source texts instead of pasting.
            document = call(base, "KnowledgeService/GetDocument", {"id": "kalin-visits-libya"})["document"]
            Select(driver.find_element(By.ID, "documents")).select_by_value("kalin-visits-libya")
            driver.find_element(By.ID, "load-document").click()
            wait(driver, lambda d: d.execute_script(
                "return document.getElementById('text').textContent;") == document["text"],
                 "the loaded source text is drawn")
            expect(area.get_property("value") == document["text"], "the source text is in the text box")
            expect(len(page_mentions(driver)) == len(call(base, "ExtractionService/ExtractEntities",
                                                          {"text": document["text"]})["mentions"]),
                   "the loaded text's mentions")
            driver.execute_script("document.activeElement.blur();")

            # Readable at 1280×800 and on a phone's width: nothing wider than the window.
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            expect(overflow <= 0, f"no horizontal scrolling at 1280 px ({overflow} px)")
            resize(driver, 390, 844)
            time.sleep(0.3)
            overflow = driver.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;")
            expect(overflow <= 0, f"no horizontal scrolling at a phone's width ({overflow} px)")
            driver.execute_script("window.scrollTo(0, 0);")
            driver.save_screenshot(str(screenshots / "4-phone-width.png"))
            # On a phone the arrows would clutter the text: the list alone shows the events.
            wait(driver, lambda d: d.find_element(By.ID, "text").get_attribute("data-events"), "the events are listed")
            events, shown = check_events(driver, base, document["text"])
            expect(not shown["layerShown"] and not shown["arrows"], "no arrows over the text at a phone's width")
            figures["phone width: events listed, arrows"] = f"{len(shown['items'])}, {len(shown['arrows'])}"

            # No script error and no Content-Security-Policy violation.
            problems = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
            expect(not problems, f"the console is clean: {problems}")
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-4000:])
            raise
        finally:
            if driver is not None:
                driver.quit()
            server.terminate()
            server.wait(timeout=20)
    print("browser test passed")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    print(f"  screenshots: {screenshots}")


if __name__ == "__main__":
    main()
