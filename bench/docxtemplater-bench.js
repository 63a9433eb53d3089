// Renders the rfpgen annex with docxtemplater, from the same template
// (rfpgen's default, with the {{requirements}} fragment spliced in) and the
// same data (rfpgen --format json), N times in one Node process, and prints
// milliseconds per document. Usage: node docxtemplater-bench.js TEMPLATE.docx ITEMS.json N
// Fields of newer templates are given too (an older template ignores them):
// the annex section is on, no tailoring, and the checklist's answer fields,
// which rfpgen fills with Word content controls, get rfpgen's plain-text
// fallback (docxtemplater inserts no run-level markup).
"use strict";
const fs = require("fs");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

const [tplPath, jsonPath, nArg] = process.argv.slice(2);
const n = parseInt(nArg || "1000", 10);
const sel = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
const zh = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"];
const families = [];
for (const it of sel.items) {
	let f = families[families.length - 1];
	if (!f || f.family_name !== it.family) {
		f = { family_no: zh[families.length + 1], family_name: it.family, items: [] };
		families.push(f);
	}
	f.items.push({ no: it.no, id: it.id, measure: it.measure, text: it.text,
		guidance: it.guidance, verification: it.verification,
		source: it.source + "，" + it.clause });
}
const lv = { "普": 1, "中": 2, "高": 3 };
const data = {
	title: "資通安全需求附件", agency: "○○○○○○", project: "○○○○○○",
	type: sel.selection.type, level: sel.selection.level,
	level_basis: "依機關核定之資通系統防護需求等級",
	catalogue_title: "資通系統防護基準（附表十）資安需求", catalogue_version: sel.selection.baseline,
	legal_basis: "資通安全管理法", notice: "", generator: "docxtemplater", date: "2025-11-24",
	item_count: String(sel.count), has_agency_items: "", agency_items: [],
	annex: "是", agency_document: "", has_tailoring: "", has_excluded: "", excluded: [],
	has_included: "", included: [],
	families,
	checklist: sel.items.map((it) => ({ no: it.no, measure: it.measure, text: it.text,
		p: lv[it.min_level] <= 1 ? "V" : "", m: lv[it.min_level] <= 2 ? "V" : "", h: "V",
		reply_control: "□符合 □部分符合 □不符合 □不適用", note_control: "", pages_control: "" })),
};
const tpl = fs.readFileSync(tplPath);
let bytes = 0;
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) {
	// As in rfpgen's bench portfolio: every document names its own agency and project.
	data.agency = "範例機關" + (i + 1);
	data.project = "第" + (i + 1) + "號資通系統建置案";
	const doc = new Docxtemplater(new PizZip(tpl), {
		paragraphLoop: true, linebreaks: true, delimiters: { start: "{{", end: "}}" },
	});
	doc.render(data);
	bytes = doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" }).length;
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
console.log(JSON.stringify({ ms_per_document: ms, bytes, documents: n }));
