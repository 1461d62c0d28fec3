// The review page: the draft next to the recording. Plain JavaScript, nothing from outside.
// The server keeps every sentence's source (times, segments); this page only sends which
// sentence goes where with which text (see goodwork_pipeline/review_page/edits.py).
"use strict";

const $ = (id) => document.getElementById(id);
const audio = $("audio");
const page = {
  data: null, // the server's view of the newest version
  version: 0,
  editable: false,
  sections: [], // [{key, heading, note, budget, sentences: [sentence]}]
  title: "",
  quote: "",
  dirty: false,
  selected: null, // a sentence object
  playing: null, // the element highlighted as being heard
  closed: false,
};

// Words as goodwork_pipeline.text_nl.words finds them, folded as text_nl.fold folds them.
const WORD = /['’]?[\p{L}\p{N}_]+(?:[-'’][\p{L}\p{N}_]+)*/gu;
const fold = (w) => w.toLowerCase().replace(/’/g, "'").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error(
      "De controlepagina draait niet meer (gesloten, of te lang niet gebruikt). Start hem " +
      "opnieuw met ‘goodwork review’; wat hier niet was opgeslagen, moet je dan opnieuw doen.");
  }
  let answer = {};
  try { answer = await response.json(); } catch (e) { answer = {}; }
  if (!response.ok) throw new Error(answer.error || `De server antwoordde ${response.status}.`);
  return answer;
}

function say(text, { error = false, extra = [] } = {}) {
  const box = $("message");
  box.replaceChildren();
  for (const line of [text, ...extra]) {
    if (line) box.append(el("p", { class: error ? "error" : null }, line));
  }
}

// Loading -------------------------------------------------------------------------------

async function load() {
  const data = await api("api/draft");
  page.data = data;
  page.version = data.draft.version;
  page.editable = data.editable;
  page.title = data.draft.title;
  page.quote = data.draft.quote;
  page.sections = data.draft.sections.map((s) => ({
    ...s,
    sentences: s.sentences.map((x) => ({ ...x })),
  }));
  page.dirty = false;
  page.selected = null;
  render();
}

function render() {
  const data = page.data;
  $("story").textContent = data.story;
  $("version").textContent = `versie ${page.version}`;
  const checked = data.checked && data.checked.version === page.version;
  $("checked").hidden = !checked;
  $("checked").textContent = checked ? `gecontroleerd door ${data.checked.by}` : "";
  $("notices").replaceChildren(...data.notices.map((n) => el("p", {}, n)));
  $("title").value = page.title;
  $("quote").value = page.quote;
  $("title").readOnly = $("quote").readOnly = !page.editable;
  $("closing").textContent = data.draft.closing_question;
  const ideas = data.draft.title_suggestions.filter((t) => t !== page.title);
  $("suggestions").textContent = ideas.length ? `Andere titels uit het gesprek: ${ideas.join(" · ")}` : "";
  document.body.classList.toggle("readonly", !page.editable);
  $("ready").disabled = !page.editable;
  $("ready").title = data.require_check
    ? "Nodig voor versturen: markeer dit concept als gecontroleerd"
    : "Markeer dit concept als gecontroleerd";
  if (!data.audio) audio.removeAttribute("src");
  else if (!audio.getAttribute("src")) audio.src = "api/audio";
  renderSections();
  renderTranscript();
  markDirty(page.dirty);
}

function markDirty(dirty) {
  page.dirty = dirty;
  $("save").disabled = !dirty || !page.editable;
}

// The draft -----------------------------------------------------------------------------

function renderSections() {
  const holder = $("sections");
  holder.replaceChildren();
  for (const section of page.sections) {
    const words = section.sentences.reduce((n, s) => n + s.text.split(/\s+/).filter(Boolean).length, 0);
    const list = el("ol", { class: "sentences" });
    for (const sentence of section.sentences) list.append(sentenceItem(section, sentence));
    holder.append(
      el("div", { class: "section", "data-key": section.key },
        el("h2", {}, section.heading,
          el("span", { class: "count" }, section.budget ? `${words} / ${section.budget} woorden` : `${words} woorden`)),
        section.sentences.length ? list : el("p", { class: "empty" }, section.note || "Nog geen zinnen."),
      ),
    );
  }
  if (page.selected) highlightSelected();
}

function sentenceItem(section, sentence) {
  const item = el("li", {
    class: "sentence" + (sentence.edited ? " edited" : "") + (sentence.added ? " added" : ""),
    "data-ref": sentence.ref || null,
    "data-add": sentence.add !== undefined ? String(sentence.add) : null,
    "data-start": sentence.start ?? "",
    "data-end": sentence.end ?? "",
  });
  sentence.element = item;
  const time = el("button", {
    type: "button",
    class: "time",
    title: sentence.start != null ? `Afspelen vanaf ${sentence.time}` : "Geen tijd bekend",
    onclick: () => { select(sentence); playFrom(sentence); },
  }, sentence.time || "–");
  const text = el("span", { class: "text", onclick: () => { select(sentence); playFrom(sentence); } });
  fillText(text, sentence.text, sentence.unsure || []);
  const move = el("select", { class: "move", "aria-label": "Verplaatsen naar een ander onderdeel" },
    el("option", { value: "", selected: true }, "Verplaatsen…"),
    ...page.sections.filter((s) => s !== section).map((s) => el("option", { value: s.key }, s.heading)));
  move.addEventListener("change", () => { if (move.value) moveSentence(sentence, section, move.value); });
  const tools = el("span", { class: "tools" },
    el("button", { type: "button", class: "edit", title: "Tekst bewerken (Enter)", onclick: () => edit(sentence) }, "✎"),
    move,
    el("button", { type: "button", class: "remove", title: "Zin weghalen", onclick: () => removeSentence(sentence, section) }, "✕"),
  );
  item.append(time, text, tools);
  return item;
}

function fillText(node, text, unsure) {
  const left = new Map();
  for (const u of unsure) left.set(u.word, [...(left.get(u.word) || []), u]);
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    const doubts = left.get(fold(match[0]));
    if (!doubts || !doubts.length) continue;
    const doubt = doubts.shift();
    node.append(text.slice(last, match.index));
    node.append(el("mark", {
      class: "unsure",
      title: `Hier twijfelde de spraakherkenning (zekerheid ${Math.round(doubt.probability * 100)}%)`,
      "data-probability": String(doubt.probability),
    }, match[0]));
    last = match.index + match[0].length;
  }
  node.append(text.slice(last));
}

function allSentences() {
  return page.sections.flatMap((s) => s.sentences);
}

function select(sentence) {
  page.selected = sentence;
  highlightSelected();
}

function highlightSelected() {
  for (const node of document.querySelectorAll(".sentence.selected")) node.classList.remove("selected");
  const node = page.selected && page.selected.element;
  if (node && node.isConnected) {
    node.classList.add("selected");
    node.scrollIntoView({ block: "nearest" });
  }
}

function step(delta) {
  const list = allSentences();
  if (!list.length) return;
  let index = list.indexOf(page.selected);
  index = index < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + delta));
  select(list[index]);
  if (list[index].start != null) {
    const wasPlaying = !audio.paused;
    audio.currentTime = list[index].start;
    if (wasPlaying) audio.play();
  }
}

function edit(sentence) {
  if (!page.editable) return;
  const item = sentence.element;
  const text = item.querySelector(".text");
  const box = el("textarea", { "aria-label": "Tekst van de zin" });
  box.value = sentence.text;
  let done = false;
  const finish = (keep) => {
    if (done) return;
    done = true;
    const value = box.value.replace(/\s+/g, " ").trim();
    if (keep && value && value !== sentence.text) {
      sentence.text = value;
      sentence.edited = true;
      markDirty(true);
    }
    renderSections();
    select(sentence);
  };
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); finish(true); }
    if (event.key === "Escape") { event.preventDefault(); finish(false); }
  });
  box.addEventListener("blur", () => finish(true));
  text.replaceWith(box);
  box.focus();
  box.setSelectionRange(box.value.length, box.value.length);
}

function insertByTime(list, sentence) {
  const at = list.findIndex((s) => s.start != null && sentence.start != null && s.start > sentence.start);
  if (at < 0) list.push(sentence); else list.splice(at, 0, sentence);
}

function moveSentence(sentence, from, key) {
  const target = page.sections.find((s) => s.key === key);
  from.sentences.splice(from.sentences.indexOf(sentence), 1);
  insertByTime(target.sentences, sentence);
  markDirty(true);
  renderSections();
  renderTranscript();
  say(`Zin verplaatst naar ‘${target.heading}’.`);
}

function removeSentence(sentence, section) {
  section.sentences.splice(section.sentences.indexOf(sentence), 1);
  if (page.selected === sentence) page.selected = null;
  markDirty(true);
  renderSections();
  renderTranscript();
  say("Zin weggehaald. Terugzetten kan vanuit het transcript.");
}

// The transcript ------------------------------------------------------------------------

function placeOf(utterance) {
  const ids = utterance.segment_ids.join(",");
  for (const section of page.sections) {
    for (const s of section.sentences) {
      if (s.add === utterance.index) return section;
      if (s.add === undefined && s.start === utterance.start && (s.segment_ids || []).join(",") === ids) return section;
    }
  }
  return null;
}

function renderTranscript() {
  const holder = $("turns");
  holder.replaceChildren();
  for (const turn of page.data.transcript) {
    const list = el("ol");
    for (const utterance of turn.sentences) {
      const section = placeOf(utterance);
      const where = el("div", { class: "where" });
      if (section) where.append(`in het concept: ${section.heading}`);
      else if (page.editable && turn.role === "participant") {
        const add = el("select", { class: "add", "aria-label": "Toevoegen aan een onderdeel" },
          el("option", { value: "", selected: true }, "Toevoegen aan…"),
          ...page.sections.map((s) => el("option", { value: s.key }, s.heading)));
        add.addEventListener("change", () => { if (add.value) addSentence(utterance, add.value); });
        where.append(add);
      }
      list.append(el("li", {
        class: "utt" + (section ? " in-draft" : ""),
        "data-index": String(utterance.index),
        "data-start": utterance.start,
        "data-end": utterance.end,
      },
      el("button", { type: "button", class: "time", onclick: () => playFrom(utterance) }, utterance.time),
      el("span", { class: "text", onclick: () => playFrom(utterance) }, utterance.text),
      where));
    }
    holder.append(el("div", { class: `turn role-${turn.role}` }, el("div", { class: "speaker" }, turn.speaker), list));
  }
}

function addSentence(utterance, key) {
  const target = page.sections.find((s) => s.key === key);
  const sentence = {
    add: utterance.index,
    text: utterance.suggested,
    start: utterance.start,
    end: utterance.end,
    time: utterance.time,
    segment_ids: utterance.segment_ids,
    unsure: [],
    added: true,
  };
  insertByTime(target.sentences, sentence);
  markDirty(true);
  renderSections();
  renderTranscript();
  select(sentence);
  say(`Zin toegevoegd aan ‘${target.heading}’.`);
}

function toggleTranscript() {
  const panel = $("transcript");
  panel.hidden = !panel.hidden;
  $("main").classList.toggle("with-transcript", !panel.hidden);
  $("toggle-transcript").setAttribute("aria-expanded", String(!panel.hidden));
}

// Playing -------------------------------------------------------------------------------

function playFrom(item) {
  if (item.start == null || !page.data.audio) return;
  audio.currentTime = item.start;
  const playing = audio.play();
  if (playing) playing.catch(() => {});
}

function heard(selector, t) {
  let found = null;
  for (const node of document.querySelectorAll(selector)) {
    const start = parseFloat(node.dataset.start);
    const end = parseFloat(node.dataset.end);
    if (start <= t && t < end + 0.05) found = node;
  }
  return found;
}

function follow() {
  const t = audio.currentTime;
  // what is being heard; paused, it stays marked: that is where play goes on
  const current = [heard(".sentence[data-start]", t), heard(".utt[data-start]", t)];
  for (const node of document.querySelectorAll(".playing")) {
    if (!current.includes(node)) node.classList.remove("playing");
  }
  for (const node of current) if (node) node.classList.add("playing");
  if (!audio.paused) requestAnimationFrame(follow);
}
audio.addEventListener("play", () => requestAnimationFrame(follow));
audio.addEventListener("seeked", follow);
audio.addEventListener("pause", follow);

// Saving --------------------------------------------------------------------------------

function edits(ready) {
  return {
    base_version: page.version,
    title: $("title").value,
    quote: $("quote").value,
    ready,
    sections: page.sections.map((section) => ({
      key: section.key,
      sentences: section.sentences.map((s) => (s.ref ? { ref: s.ref, text: s.text } : { add: s.add, text: s.text })),
    })),
  };
}

async function save(ready = false) {
  $("save").disabled = $("ready").disabled = true;
  say("Bezig met opslaan…");
  try {
    const answer = await api("api/save", edits(ready));
    await load();
    say(answer.message_nl, { extra: answer.warnings_nl });
  } catch (error) {
    say(error.message, { error: true });
    markDirty(page.dirty);
    $("ready").disabled = !page.editable;
  }
}

async function ready() {
  if (page.dirty) return save(true);
  $("ready").disabled = true;
  try {
    const answer = await api("api/ready", { version: page.version });
    await load();
    say(answer.message_nl);
  } catch (error) {
    say(error.message, { error: true });
    $("ready").disabled = !page.editable;
  }
}

async function close() {
  if (page.dirty && !window.confirm("Er zijn wijzigingen die nog niet zijn opgeslagen. Toch sluiten?")) return;
  try { await api("api/close", {}); } catch (error) { /* the server may already be gone */ }
  page.closed = true;
  audio.pause();
  $("closed").hidden = false;
}

// Wiring --------------------------------------------------------------------------------

$("title").addEventListener("input", () => { page.title = $("title").value; markDirty(true); });
$("quote").addEventListener("input", () => { page.quote = $("quote").value; markDirty(true); });
$("save").addEventListener("click", () => save(false));
$("ready").addEventListener("click", ready);
$("close").addEventListener("click", close);
$("toggle-transcript").addEventListener("click", toggleTranscript);

document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, textarea, select");
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === " ") {
    event.preventDefault();
    if (audio.paused) {
      if (page.selected && page.selected.start != null && audio.currentTime === 0) audio.currentTime = page.selected.start;
      audio.play().catch(() => {});
    } else audio.pause();
  } else if (event.key === "ArrowDown" || event.key === "ArrowRight") {
    event.preventDefault();
    step(1);
  } else if (event.key === "ArrowUp" || event.key === "ArrowLeft") {
    event.preventDefault();
    step(-1);
  } else if (event.key === "Enter" && page.selected && !event.target.closest("button")) {
    event.preventDefault();
    edit(page.selected);
  } else if (event.key === "t" || event.key === "T") {
    toggleTranscript();
  }
});

// The server stops after a while without requests; while someone works here (typing,
// clicking, listening) the page tells it so, once a minute.
let lastActivity = Date.now();
for (const kind of ["keydown", "pointerdown", "input"]) {
  document.addEventListener(kind, () => { lastActivity = Date.now(); }, true);
}
audio.addEventListener("timeupdate", () => { if (!audio.paused) lastActivity = Date.now(); });
setInterval(() => {
  if (!page.closed && Date.now() - lastActivity < 65_000) fetch("api/alive").catch(() => {});
}, 60_000);

window.addEventListener("beforeunload", (event) => {
  if (page.dirty && !page.closed) event.preventDefault();
});
window.addEventListener("pagehide", () => {
  if (!page.closed) navigator.sendBeacon("api/leaving");
});

load().catch((error) => say(error.message, { error: true }));
