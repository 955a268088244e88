// Runs src/redefection/web/static/app.js under node with a stand-in DOM (tests/test_pages.py): an in-place review
// that succeeds must read the page again and replace its "js-live" parts. Prints a JSON report on standard output.
"use strict";
const fs = require("fs");
const log = { fetched: [], replaced: [] };
class HTMLFormElement {}
class Element {}
function classes(names) {
  const set = new Set(names);
  return { contains: (n) => set.has(n), add: (n) => set.add(n), remove: (n) => set.delete(n) };
}
const card = { id: "incident-7", classList: classes(["fact", "st-machine"]), replaceWith: (x) => log.replaced.push(x.id) };
const form = Object.assign(new HTMLFormElement(), {
  action: "/facts/incident/7/confirm",
  classList: classes(["js-review"]),
  closest: () => card,
  querySelector: () => ({ value: "token" }),
  submit: () => log.replaced.push("full-submit"),
});
const live = ["case-summary", "case-changes"].map((id) => ({ id, replaceWith: (x) => log.replaced.push("live:" + x.id) }));
const handlers = {};
global.window = global;
global.FormData = class {};
global.HTMLFormElement = HTMLFormElement;
global.Element = Element;
global.location = { href: "http://127.0.0.1/cases/3" };
global.document = {
  addEventListener: (type, fn) => { handlers[type] = fn; },
  querySelectorAll: (selector) => (selector === ".js-live[id]" ? live : []),
  getElementById: () => null,
  createElement: (tag) => {
    if (tag !== "template") { return { setAttribute() {} }; }
    return { set innerHTML(_) {}, content: { querySelector: () => ({ id: "incident-7", classList: classes(["fact", "st-confirmed"]) }) } };
  },
  importNode: (node) => node,
  body: { appendChild() {} },
};
global.DOMParser = class {
  parseFromString() { return { getElementById: (id) => ({ id }) }; }
};
global.fetch = (url, options) => {
  log.fetched.push([(options && options.method) || "GET", url]);
  const html = { get: () => "text/html; charset=utf-8" };
  return Promise.resolve({ ok: true, status: 200, headers: html, text: () => Promise.resolve("<article class='fact'></article>") });
};
eval(fs.readFileSync(process.argv[2], "utf8"));
handlers.submit({ target: form, preventDefault() {} });
setTimeout(() => process.stdout.write(JSON.stringify(log)), 50);
