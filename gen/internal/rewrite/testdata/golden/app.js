#!/usr/bin/env node
// assetgen:allow-missing ./generated/*.js
import { h, render } from "./vendor/preact.mjs";
import * as util from './util.js';
import React from "react";
import "./polyfills.js";
export { format } from "../shared/format.js";
export * from "../shared/all.js";

/* import "./commented.js" */
const re = /import\("\.\/not\.js"\)/g;
const half = total / 2 / count;
const s = `import("./template.js") ${await import("./in-substitution.js")}`;
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const logo = new URL("../img/logo.svg", import.meta.url).href;
const lazy = () => import("./lazy.js");
const dyn = (name) => import(`./locale/${name}.js`);
const gen = import("./generated/routes.js");
obj.import("./method.js");
export default { from: "./not-a-ref.js" };
//# sourceMappingURL=app.js.map
