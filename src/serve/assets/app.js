// The few scripts of `aiassure serve`: create a review, upload files with progress, follow each
// file's analysis, and record decisions. Plain JavaScript, served by the server itself. Text from
// the server is only ever inserted with textContent, never as HTML.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

async function send(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  let data = {};
  try { data = await response.json(); } catch (_) { /* no body */ }
  if (!response.ok) throw new Error(data.error || ("the server answered " + response.status));
  return data;
}

function say(el, text) { el.textContent = text; el.hidden = !text; }

// Reviews page: the new-review form.
function newReview() {
  const form = document.getElementById("new-review");
  if (!form) return;
  const error = document.getElementById("new-review-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(error, "");
    const body = {
      name: document.getElementById("review-name").value,
      doc_type: document.getElementById("review-type").value,
    };
    const file = document.getElementById("review-register").files[0];
    if (file) body.register = { name: file.name, csv: await file.text() };
    try {
      const data = await send("POST", "/api/reviews", body);
      window.location.href = "/reviews/" + data.review.id;
    } catch (e) { say(error, e.message); }
  });
}

// Review page: uploads and progress.
const STATE_TEXT = { queued: "queued…", reading: "reading…" };

function fileRow(file) {
  let row = document.querySelector('tr[data-file="' + file.id + '"]');
  if (!row) {
    row = document.createElement("tr");
    row.dataset.file = String(file.id);
    for (let i = 0; i < 4; i++) row.appendChild(document.createElement("td"));
    row.cells[1].className = "num";
    document.getElementById("files").appendChild(row);
  }
  const review = document.getElementById("review-title").dataset.review;
  const name = row.cells[0];
  name.textContent = "";
  if (file.state === "done") {
    const a = document.createElement("a");
    a.href = "/reviews/" + review + "/documents/" + file.id;
    a.textContent = file.name;
    name.appendChild(a);
  } else {
    name.textContent = file.name;
  }
  row.cells[1].textContent = (file.size / 1024).toFixed(1) + " KB";
  const state = row.cells[2];
  const status = file.state === "done" ? file.status : file.state;
  state.className = "state state-" + status;
  state.textContent = file.state !== "done" ? STATE_TEXT[file.state]
    : file.status === "analysed" ? "read" : file.status + ": " + (file.error || "");
  const code = document.createElement("code");
  code.className = "hash";
  code.title = file.sha256;
  code.textContent = file.sha256.slice(0, 12);
  row.cells[3].textContent = "";
  row.cells[3].appendChild(code);
}

let polling = false;
async function poll(review) {
  if (polling) return;
  polling = true;
  const progress = document.getElementById("progress");
  for (;;) {
    let data;
    try {
      const response = await fetch("/api/reviews/" + review, { credentials: "same-origin" });
      data = await response.json();
    } catch (_) { await new Promise((r) => setTimeout(r, 2000)); continue; }
    data.files.forEach(fileRow);
    const p = data.progress;
    if (p.finished) {
      progress.textContent = "All " + p.files + " files read. Showing the analysis…";
      window.location.reload();
      return;
    }
    progress.textContent = "Reading: " + p.done + " of " + p.files + " files done (" + p.reading + " being read, " + p.queued + " waiting).";
    await new Promise((r) => setTimeout(r, 700));
  }
}

function refuse(messages, text) {
  const li = document.createElement("li");
  li.className = "error";
  li.textContent = text;
  messages.appendChild(li);
}

function upload(review, chosen) {
  const drop = document.getElementById("drop");
  const status = document.getElementById("upload-status");
  const bar = document.getElementById("upload-progress");
  const text = document.getElementById("upload-text");
  const messages = document.getElementById("upload-messages");
  messages.textContent = "";
  // The server's limits, checked here too so a browser shows the reason before sending.
  const maxFile = Number(drop.dataset.maxFile);
  const maxUpload = Number(drop.dataset.maxUpload);
  const mb = (n) => Math.floor(n / (1024 * 1024));
  const files = chosen.filter((f) => {
    if (f.size <= maxFile) return true;
    refuse(messages, f.name + ": the file is larger than the limit of " + mb(maxFile) + " MB per file; ask for a smaller copy, or restart the server with a higher --max-file-mb");
    return false;
  });
  if (!files.length) return;
  if (files.reduce((n, f) => n + f.size, 0) > maxUpload) {
    refuse(messages, "the upload is larger than the limit of " + mb(maxUpload) + " MB for one upload; upload fewer files at a time, or restart the server with a higher --max-upload-mb");
    return;
  }
  const form = new FormData();
  let total = 0;
  for (const f of files) { form.append("files", f, f.name); total += f.size; }
  status.hidden = false;
  bar.value = 0;
  text.textContent = "Uploading " + files.length + " file(s)…";
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/reviews/" + review + "/files");
  xhr.setRequestHeader("X-CSRF-Token", csrf());
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) {
      bar.value = Math.round((100 * e.loaded) / e.total);
      text.textContent = "Uploading: " + Math.round(e.loaded / 1024) + " of " + Math.round(e.total / 1024) + " KB";
    }
  };
  xhr.onload = () => {
    let data = {};
    try { data = JSON.parse(xhr.responseText); } catch (_) { data = { error: "the server answered " + xhr.status }; }
    bar.value = 100;
    text.textContent = (data.files || []).length + " file(s) received; reading them now.";
    for (const r of data.refused || []) refuse(messages, r.name + ": " + r.reason);
    if (!(data.files || []).length && !(data.refused || []).length && data.error) refuse(messages, data.error);
    (data.files || []).forEach(fileRow);
    if ((data.files || []).length) poll(review);
  };
  xhr.onerror = () => { text.textContent = "The upload failed: is the server still running?"; };
  xhr.send(form);
}

function uploads() {
  const drop = document.getElementById("drop");
  if (!drop) return;
  const review = document.getElementById("review-title").dataset.review;
  const picker = document.getElementById("picker");
  picker.addEventListener("change", () => { upload(review, Array.from(picker.files)); picker.value = ""; });
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (e) => upload(review, Array.from(e.dataTransfer.files)));
  const progress = document.getElementById("progress");
  if (progress && progress.dataset.finished === "false") poll(review);
}

// Document page: decisions, and the highlighted passage a gap points to.
function decisions() {
  const title = document.getElementById("doc-title");
  if (!title) return;
  const review = title.dataset.review;
  for (const form of document.querySelectorAll("form.decide")) {
    const reason = form.elements.reason;
    form.addEventListener("change", (e) => {
      if (e.target.name === "decision" && e.target.value === "ask" && !reason.value && reason.dataset.question) {
        reason.value = reason.dataset.question;
      }
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const out = form.querySelector(".form-status");
      const choice = form.querySelector('input[name="decision"]:checked');
      if (!choice) { out.textContent = "Choose accept, ask or reject."; return; }
      const body = {
        document: form.dataset.document,
        rule: form.dataset.rule,
        decision: choice.value,
        reason: reason.value,
        by: form.elements.by.value,
        expires: form.elements.expires.value || null,
      };
      const button = form.querySelector("button");
      button.disabled = true;
      try {
        const data = await send("POST", "/api/reviews/" + review + "/decisions", body);
        out.textContent = "Recorded: " + data.decision.label + ".";
        out.className = "form-status ok";
        out.dataset.saved = data.decision.decision;
      } catch (e) {
        out.textContent = e.message;
        out.className = "form-status error";
      } finally { button.disabled = false; }
    });
  }
  for (const a of document.querySelectorAll("a.quote-link")) {
    a.addEventListener("click", () => {
      document.querySelectorAll("mark.target").forEach((m) => m.classList.remove("target"));
      const m = document.getElementById(a.getAttribute("href").slice(1));
      if (m) m.classList.add("target");
    });
  }
}

document.addEventListener("DOMContentLoaded", () => { newReview(); uploads(); decisions(); });
