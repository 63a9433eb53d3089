/* SPDX-License-Identifier: MIT */
/*
 * The one diagnostics table. Every message rfpgen gives has a stable code
 * defined here, once: the code, its severity, the status the library
 * returns, the exit status of the command line, the message template and
 * the hint. docs/diagnostics.md is this table for readers, and
 * tests/diagnostics.sh checks that the two agree and that every code
 * written anywhere in src/ is here.
 *
 * A code is reported with rfp_diag(ctx, ID, where, args...), which takes
 * everything else from the entry RFP_D_ID; the template is a printf format
 * that the compiler checks against args at the call. rfp_diag_hint() gives
 * a more specific hint where the call knows one (an errno, a near name).
 *
 * Exit statuses (README.md): 1 internal, 2 usage, 3 catalogue or portfolio,
 * 4 template (or a returned annex), 5 input/output, 6 limit, 7 batch rows,
 * 9 review incomplete; RFP_EXIT_PHASE: 3 or 4, after what
 * was being read (the same XML error in a catalogue or in a template).
 */
#ifndef RFP_UTIL_DIAG_H
#define RFP_UTIL_DIAG_H

#include <rfpgen/rfpgen.h>

#define RFP_EXIT_PHASE 0

/* Marks a message of the table for translation (po/); rfp_diag_emit()
 * looks it up in the rfpgen text domain when it is reported. */
#define N_(s) s
#define RFP_TEXT_DOMAIN "rfpgen"

/*      ID                    code, severity, status, exit,
 *                            message template, hint */

/* ---- XML, files, zip packages ---- */
#define RFP_D_XML             "RFP-XML", RFP_ERROR, RFP_ERR_XML, RFP_EXIT_PHASE, \
	N_("not well-formed XML: %s"), \
	N_("fix the XML syntax at this position (an unclosed or mismatched tag, a stray '&' or '<')")
#define RFP_D_XML_DTD         "RFP-XML-DTD", RFP_ERROR, RFP_ERR_XML, RFP_EXIT_PHASE, \
	N_("document type declarations are not allowed"), \
	N_("remove the <!DOCTYPE ...> declaration; rfpgen accepts no DTDs or entity declarations")
#define RFP_D_IO_READ         "RFP-IO-READ", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot read: %s"), \
	N_("check the path and its permissions")
#define RFP_D_IO_WRITE        "RFP-IO-WRITE", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot %s: %s"), \
	N_("check that the output directory exists and that you can write to it")
#define RFP_D_IO_SYNC         "RFP-IO-SYNC", RFP_WARNING, RFP_OK, 0, \
	N_("could not flush the written annexes to disk: %s"), \
	N_("the files are complete; check the disk before relying on them after a power loss")
#define RFP_D_ZIP             "RFP-ZIP", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("cannot open as a zip package: %s"), \
	N_("the file must be a .docx, .dotx, .odt, .ott, .xlsx or .ods package saved by Word, Excel or LibreOffice")
#define RFP_D_ZIP_ENTRY       "RFP-ZIP-ENTRY", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("cannot read zip entry %llu: %s"), \
	N_("the file is damaged; re-save it or use a fresh copy")
#define RFP_D_ZIP_NAME        "RFP-ZIP-NAME", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("unsafe entry name (absolute, empty or with '..')"), \
	N_("re-save the file with Word or LibreOffice; a hand-made zip may name entries outside the package")
#define RFP_D_ZIP_DUPLICATE   "RFP-ZIP-DUPLICATE", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("the package holds two entries with the same name"), \
	N_("re-save the file with Word or LibreOffice; a hand-made zip may hold an entry twice")
#define RFP_D_ZIP_ENCRYPTED   "RFP-ZIP-ENCRYPTED", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("entry is encrypted"), \
	N_("save the file without a password")
#define RFP_D_ZIP_CORRUPT     "RFP-ZIP-CORRUPT", RFP_ERROR, RFP_ERR_ZIP, RFP_EXIT_PHASE, \
	N_("entry data is corrupt or does not match its declared size: %s"), \
	N_("the file is damaged; re-save it or use a fresh copy")

/* ---- limits ---- */
#define RFP_D_LIMIT_FILE      "RFP-LIMIT-FILE", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("file is larger than the limit of %zu bytes"), \
	N_("raise the limit with --max-file-size if the file is genuine")
#define RFP_D_LIMIT_PART      "RFP-LIMIT-PART", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("entry inflates to %llu bytes, over the limit of %zu"), \
	N_("a real template part is far smaller; raise --max-part-size only for a trusted file")
#define RFP_D_LIMIT_RATIO     "RFP-LIMIT-RATIO", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("entry compresses %llu:1, over the limit of %u:1"), \
	N_("this looks like a zip bomb; do not use the file")
#define RFP_D_LIMIT_ENTRIES   "RFP-LIMIT-ENTRIES", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("package has %lld entries, over the limit of %u"), \
	N_("a real document has a few dozen entries; raise --max-entries only for a trusted file")
#define RFP_D_LIMIT_SIZE      "RFP-LIMIT-SIZE", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("part is larger than %s"), \
	N_("split the document; no real template part is this large")
#define RFP_D_LIMIT_DEPTH     "RFP-LIMIT-DEPTH", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("XML nesting deeper than %u levels"), \
	N_("real catalogues and templates nest a few dozen levels; the file may be hostile")
#define RFP_D_LIMIT_ITEMS     "RFP-LIMIT-ITEMS", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("catalogue has %zu items, more than the limit of %u"), \
	N_("split the catalogue or raise the limit")
#define RFP_D_LIMIT_TAGS      "RFP-LIMIT-TAGS", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("more than %u tags in one part"), \
	N_("split the template or raise the limit")
#define RFP_D_LIMIT_OUTPUT    "RFP-LIMIT-OUTPUT", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("rendered part exceeds %zu bytes"), \
	N_("the template repeats too much; check its sections")
#define RFP_D_LIMIT_PARAM     "RFP-LIMIT-PARAM", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("item '%s': its text with parameter values exceeds %zu bytes"), \
	N_("give the parameter a shorter value")
#define RFP_D_LIMIT_ROWS      "RFP-LIMIT-ROWS", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("row %zu: the sheet has more than %u rows"), \
	N_("delete what lies below the data, split the portfolio, or raise the limit with --max-rows")
#define RFP_D_LIMIT_FIELD     "RFP-LIMIT-FIELD", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("row %zu, column %zu: the cell is longer than the limit of %zu bytes"), \
	N_("shorten the cell, or raise the limit with --max-field-size")
#define RFP_D_LIMIT_SHEET     "RFP-LIMIT-SHEET", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("row %zu, column %zu: the cells of the sheet take more than %zu bytes"), \
	N_("delete repeated cells or rows beyond the data, or raise the limit with --max-file-size")

/* ---- catalogue ---- */
#define RFP_D_CAT_SCHEMA      "RFP-CAT-SCHEMA", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("catalogue does not match the schema: %s"), \
	N_("see requirements/catalogue.xsd and docs/catalogue.md for the expected structure")
#define RFP_D_CAT_SCHEMA_MORE "RFP-CAT-SCHEMA-MORE", RFP_NOTE, RFP_ERR_INVALID, 3, \
	N_("%u more schema errors not shown"), \
	N_("fix the errors shown and run again")
#define RFP_D_CAT_XSD         "RFP-CAT-XSD", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("the catalogue schema cannot be compiled"), \
	N_("reinstall rfpgen's data files or point --data-dir at them")
#define RFP_D_CAT_DUPID       "RFP-CAT-DUPID", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("duplicate id '%s' (%s), already used by a %s in %s"), \
	N_("ids are permanent and never reused: give the new entry a new id")
#define RFP_D_CAT_LEVELORDER  "RFP-CAT-LEVELORDER", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' (min-level %s) follows '%s' (min-level %s) in measure '%s'"), \
	N_("list a measure's 普 items first, then 中, then 高: each level adds to the one below")
#define RFP_D_CAT_SORT        "RFP-CAT-SORT", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' has sort key %llu, not above '%s' (%llu)"), \
	N_("give items of a measure increasing sort keys in document order")
#define RFP_D_CAT_PARAM       "RFP-CAT-PARAM", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("parameter '%s' has level defaults but none for 普"), \
	N_("add a <default> without level (or with level=\"普\")")
#define RFP_D_CAT_PARAM_DUP   "RFP-CAT-PARAM-DUP", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("parameter '%s' has two defaults for level '%s'"), \
	N_("give each parameter at most one default per level")
#define RFP_D_CAT_VOCAB       "RFP-CAT-VOCAB", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("unknown outsourcing type '%s' in types"), \
	N_("use the Chinese names 顧問訓練, 系統發展, 維運服務, 雲端服務")
#define RFP_D_CAT_CONDITION   "RFP-CAT-CONDITION", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("unknown condition '%s' in if"), \
	N_("use one of core-or-large, eu-personal-data, classified")
#define RFP_D_CAT_BINDING     "RFP-CAT-BINDING", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' is binding=\"法定\" but its source is not a law"), \
	N_("give it a source of kind=\"law\", or remove binding")
#define RFP_D_CAT_STATED      "RFP-CAT-STATED", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s': the <stated> figure '%s' does not occur in its text, guidance or verification"), \
	N_("list in <stated> only a figure the item's prose prints, exactly as written")
#define RFP_D_CAT_PARAM_BASIS "RFP-CAT-PARAM-BASIS", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("parameter '%s' has basis=\"stated\" but no source and clause"), \
	N_("name source=\"…\" (a declared source) and clause=\"…\", or make it basis=\"suggested\"")
#define RFP_D_CAT_EMPTY       "RFP-CAT-EMPTY", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' has empty text"), \
	N_("write the requirement in <text>")
#define RFP_D_CAT_BASELINE    "RFP-CAT-BASELINE", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("%zu baseline catalogues loaded; exactly one is needed"), \
	N_("load one kind=\"baseline\" file plus any kind=\"module\" files")
#define RFP_D_CAT_SERVICE     "RFP-CAT-SERVICE", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("unknown service '%s'"), \
	N_("use the Chinese names 資安健診, 資安監控, 弱點掃描, 滲透測試, 社交工程演練")
#define RFP_D_CAT_SELECTOR    "RFP-CAT-SELECTOR", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' has neither types nor services: nothing would select it"), \
	N_("give types=\"…\" with min-level, or services=\"…\", or both")
#define RFP_D_CAT_MIN_LEVEL   "RFP-CAT-MIN-LEVEL", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s': min-level goes with types (both or neither)"), \
	N_("an item selected by type needs min-level; one selected only by service has no level")
#define RFP_D_CAT_SERVICE_FAMILY "RFP-CAT-SERVICE-FAMILY", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s' is in the family of service %s but does not list it in services"), \
	N_("add the family's service to the item's services=\"…\"")
#define RFP_D_CAT_FREQUENCY   "RFP-CAT-FREQUENCY", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("family '%s': frequency=\"%s\" needs service=\"…\" and a parameter of that name"), \
	N_("name the parameter that states how often the family's service is due")
#define RFP_D_CAT_PARAM_BOTH  "RFP-CAT-PARAM-BOTH", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("parameter '%s': a default has both level and agency-level"), \
	N_("a default is for a protection level or for an agency level, not both")
#define RFP_D_CAT_PARAM_AGENCY "RFP-CAT-PARAM-AGENCY", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("parameter '%s' has defaults by agency level but none for %s"), \
	N_("give a <default agency-level=\"…\"> for each of A to E (say so where the source requires nothing) and one without a level")

/* ---- the request ---- */
#define RFP_D_TAILOR_UNKNOWN  "RFP-TAILOR-UNKNOWN", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: no item '%s' in the catalogue"), \
	N_("give the number the annex prints (1.1.1, MG-01) or the id 'rfpgen list' shows")
#define RFP_D_TAILOR_NOT_SELECTED "RFP-TAILOR-NOT-SELECTED", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: item %s is not in this selection (%s, level %s): there is nothing to exclude"), \
	N_("'rfpgen list' with the same type and level shows the items that are")
#define RFP_D_TAILOR_REASON   "RFP-TAILOR-REASON", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: excluding item %s needs a reason"), \
	N_("write it after '=' (--exclude ID=理由), or in the 理由 column; the annex lists it")
#define RFP_D_TAILOR_LEGAL    "RFP-TAILOR-LEGAL", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: item %s cannot be excluded: it is a duty that %s puts in the contract (%s)"), \
	N_("a legal duty stays in the annex; a vendor whose work does not touch it answers 不適用 in the checklist")
#define RFP_D_TAILOR_SELECTED "RFP-TAILOR-SELECTED", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: item %s is already in this selection"), \
	N_("--include adds an item above the level or of another outsourcing type")
#define RFP_D_TAILOR_AGENCY   "RFP-TAILOR-AGENCY", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: item %s is the agency's own duty and cannot become the vendor's"), \
	N_("--agency-checklist FILE writes the agency's duties into their own document")
#define RFP_D_TAILOR_TWICE    "RFP-TAILOR-TWICE", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: item %s is tailored twice"), \
	N_("keep one line for each item")
#define RFP_D_TAILOR_ACTION   "RFP-TAILOR-ACTION", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: '%s' is not an action"), \
	N_("write 排除 (exclude) or 增列 (include) in the 動作 column")
#define RFP_D_TAILOR_COLUMNS  "RFP-TAILOR-COLUMNS", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: no 編號或識別碼 column"), \
	N_("the first row names the columns 編號或識別碼, 理由 and 動作 (排除 or 增列; empty means 排除)")
#define RFP_D_TAILOR_SYNTAX   "RFP-TAILOR-SYNTAX", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: '%s' is not ID:理由"), \
	N_("separate the items with ';' and each item from its reason with ':', as 3.2.1:無行動應用程式;MG-05:不涉及")
#define RFP_D_TAILOR_LIMIT    "RFP-TAILOR-LIMIT", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("%s: more than %zu tailoring lines"), \
	N_("a catalogue has fewer items than that; check that this is the tailoring file")
#define RFP_D_FIELD_NAME      "RFP-FIELD-NAME", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("--field %s: '%s' is not a field name"), \
	N_("a name is a-z, 0-9 and _, starts with a letter, at most 32 bytes, and is not a built-in field")
#define RFP_D_PARAM_UNKNOWN   "RFP-PARAM-UNKNOWN", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("unknown parameter '%s'"), \
	N_("run 'rfpgen params' to list the parameters")
#define RFP_D_PARAM_UNSET     "RFP-PARAM-UNSET", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("item '%s': parameter '%.*s' has no value"), \
	N_("set it with --set NAME=VALUE")
#define RFP_D_REQ_CONTROL     "RFP-REQ-CONTROL", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: control character 0x%02X at byte %zu is not allowed in a document"), \
	N_("remove it from the value")
#define RFP_D_REQ_UTF8        "RFP-REQ-UTF8", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s: not valid UTF-8 at byte %zu"), \
	N_("use a UTF-8 terminal or locale, or convert the file to UTF-8")
#define RFP_D_REQ_EMPTY       "RFP-REQ-EMPTY", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("the request names neither an outsourcing type nor a service"), \
	N_("give --type TYPE with --level, or --service NAME, or both")
#define RFP_D_SERVICE_AGENCY_LEVEL "RFP-SERVICE-AGENCY-LEVEL", RFP_WARNING, RFP_OK, 0, \
	N_("no agency level given: the annex states how often every 資通安全責任等級 must have %s"), \
	N_("give --agency-level A|B|C|D|E (or the portfolio column 機關資安責任等級) to state the agency's own")

/* ---- templates ---- */
#define RFP_D_TPL_FORMAT      "RFP-TPL-FORMAT", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("not a Word or ODF text package: word/document.xml or content.xml is missing"), \
	N_("use a Word document (.docx/.dotx) or an ODF text document (.odt/.ott)")
#define RFP_D_TPL_ENCODING    "RFP-TPL-ENCODING", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("the part is in %s; rfpgen fills in UTF-8 text, which that part cannot hold"), \
	N_("save the template again in Word or LibreOffice (both write every part in UTF-8), or declare encoding=\"UTF-8\" after converting the part")
#define RFP_D_TPL_NAME        "RFP-TPL-NAME", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("invalid tag name in %s%s"), \
	N_("names use ASCII letters, digits, '_', '-' and '.', starting with a letter")
#define RFP_D_TPL_UNCLOSED_TAG "RFP-TPL-UNCLOSED-TAG", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("tag not closed before the end of its paragraph: %s%s"), \
	N_("close the tag with }} in the same paragraph; a tag cannot span paragraphs")
#define RFP_D_TPL_UNKNOWN_FIELD "RFP-TPL-UNKNOWN-FIELD", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("%s: %s%s"), \
	N_("see the field list in docs/templates.md")
#define RFP_D_TPL_NESTING     "RFP-TPL-NESTING", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("sections nested too deeply at %s%s"), \
	N_("flatten the template's sections")
#define RFP_D_TPL_UNOPENED    "RFP-TPL-UNOPENED", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("closing tag without an opening tag: %s%s"), \
	N_("remove it, or add the matching {{#name}} before it")
#define RFP_D_TPL_MISMATCH    "RFP-TPL-MISMATCH", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("closing tag does not match the open section: %s%s"), \
	N_("close the innermost open section first")
#define RFP_D_TPL_OPEN_HERE   "RFP-TPL-OPEN-HERE", RFP_NOTE, RFP_ERR_TEMPLATE, 4, \
	N_("the open section is %s%s"), \
	N_("close it before the tag reported above")
#define RFP_D_TPL_UNCLOSED    "RFP-TPL-UNCLOSED", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("section is never closed: %s%s"), \
	N_("add the matching {{/name}} after the section's content")
#define RFP_D_TPL_LOOP_SCOPE  "RFP-TPL-LOOP-SCOPE", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("%s: %s%s"), \
	N_("put both tags in one paragraph, or each alone in its own paragraph with the same parent, or in two cells of one table row")
#define RFP_D_TPL_LOOP_POSITION "RFP-TPL-LOOP-POSITION", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("section tags sit at different XML levels: %s%s"), \
	N_("put both tags in plain text of the same paragraph (not one inside a hyperlink or field and one outside)")
#define RFP_D_TPL_OVERLAP     "RFP-TPL-OVERLAP", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("section overlaps another after its scope was widened: %s%s"), \
	N_("sections must nest: a row or paragraph section cannot end inside an inline one")
#define RFP_D_TPL_SPLICE      "RFP-TPL-SPLICE", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("this tag inserts whole sections and must stand alone in its paragraph: %s%s"), \
	N_("put the tag in a paragraph of its own, with no other text")
#define RFP_D_TPL_SPLICE_TWICE "RFP-TPL-SPLICE-TWICE", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("this tag sits inside a paragraph that another splice tag replaces: %s%s"), \
	N_("keep one such tag per paragraph, outside text boxes")
#define RFP_D_TPL_FULLWIDTH   "RFP-TPL-FULLWIDTH", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("full-width braces, left in the document as text: %s%s"), \
	N_("type the braces half-width (半形), {{ and }}: switch the IME to English, or leave full-width (全形) mode with Shift+Space")
#define RFP_D_TPL_MORE        "RFP-TPL-MORE", RFP_NOTE, RFP_ERR_TEMPLATE, 4, \
	N_("%u more errors in this part not shown"), \
	N_("fix the errors shown and run again")
#define RFP_D_TPL_NO_REQUIREMENTS "RFP-TPL-NO-REQUIREMENTS", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("the template has no tag that inserts the requirements, so the annex would list none"), \
	N_("put {{requirements}} alone in a paragraph, or a section over families, items or checklist (docs/templates.md)")
#define RFP_D_TPL_MACRO       "RFP-TPL-MACRO", RFP_WARNING, RFP_OK, 0, \
	N_("the template holds macros; the annex leaves them out"), \
	N_("an annex needs no macros: save the template as .docx or .odt, not .docm or with Basic code")
#define RFP_D_TPL_EXTERNAL    "RFP-TPL-EXTERNAL", RFP_WARNING, RFP_OK, 0, \
	N_("a relationship points at a file outside the document (%s); the annex leaves it out"), \
	N_("detach the attached template or the linked file in Word before using the template")
#define RFP_D_TPL_NEEDS_FIELD "RFP-TPL-NEEDS-FIELD", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("the template uses {{%.*s}}, which this run does not give"), \
	N_("give --field NAME=VALUE (a field:NAME column in a portfolio); {{param.NAME}} takes a name that 'rfpgen params' lists")
#define RFP_D_TPL_NO_AGENCY   "RFP-TPL-NO-AGENCY", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("the template cannot make the agency's checklist: it has neither {{requirements}} nor a {{#agency_items}} section"), \
	N_("put {{requirements}} alone in a paragraph, or leave out --template for the agency's document")
#define RFP_D_AGENCY_NONE     "RFP-AGENCY-NONE", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("no agency duties apply to %s at level %s: the agency's checklist would be empty"), \
	N_("leave out --agency-checklist")
#define RFP_D_TPL_FIELD       "RFP-TPL-FIELD", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("{{%.*s}} at byte %u: %s"), \
	N_("check the tag's spelling against the field list in docs/templates.md")

/* ---- portfolios and batch ---- */
#define RFP_D_CSV_ENCODING    "RFP-CSV-ENCODING", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("row %u, column %zu: byte 0x%02X (line %u, byte %zu of the line) is not valid %s"), \
	N_("save the file as UTF-8 (in Excel: CSV UTF-8), or name its encoding (UTF-8, CP950 or BIG5)")
#define RFP_D_CSV_ENCODING_NAME "RFP-CSV-ENCODING-NAME", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("unknown CSV encoding \"%s\""), \
	N_("use UTF-8, CP950 or BIG5, or leave the encoding out to detect it")
#define RFP_D_CSV_ICONV       "RFP-CSV-ICONV", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("this system cannot convert from %s"), \
	N_("install the C library's character set data (gconv modules)")
#define RFP_D_CSV_QUOTE       "RFP-CSV-QUOTE", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("row %u, column %zu: the quoted field that starts here is never closed"), \
	N_("add the closing double quote; a quote inside a quoted field is written twice (\"\")")
#define RFP_D_CSV_QUOTE_TEXT  "RFP-CSV-QUOTE-TEXT", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("row %u, column %zu: text follows the closing quote of a field"), \
	N_("quote the whole field, and write a quote inside it twice (\"\")")
#define RFP_D_CSV_CHAR        "RFP-CSV-CHAR", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column %zu (line %u): character U+%04X is not allowed in a document"), \
	N_("delete the character from the cell")
#define RFP_D_SHEET_FORMAT    "RFP-SHEET-FORMAT", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("%s"), \
	N_("open the workbook in Excel or LibreOffice Calc and save it again")
#define RFP_D_SHEET_KIND      "RFP-SHEET-KIND", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("the package is neither an XLSX workbook (no xl/workbook.xml) nor an ODS spreadsheet"), \
	N_("save the portfolio as .xlsx, .ods or .csv")
#define RFP_D_SHEET_NONE      "RFP-SHEET-NONE", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("the workbook has no sheets"), \
	N_("add a sheet with the portfolio to the workbook")
#define RFP_D_SHEET_MISSING   "RFP-SHEET-MISSING", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("no sheet is named \"%s\"; the workbook has %s"), \
	N_("name one of the workbook's sheets, or leave --sheet out to read the first")
#define RFP_D_BATCH_HEADER    "RFP-BATCH-HEADER", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("the portfolio has no %s"), \
	N_("name the columns in the first row: 委外類型 (type), and 防護需求等級 (level) or the four ratings 機密性, 完整性, 可用性, 法律遵循性 (C, I, A, L)")
#define RFP_D_BATCH_EMPTY     "RFP-BATCH-EMPTY", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("the portfolio is empty"), \
	N_("the first row names the columns, each row after it is one system")
#define RFP_D_BATCH_OUTDIR    "RFP-BATCH-OUTDIR", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot use it as the output directory: %s"), \
	N_("give -O a directory, or a new name in a directory that exists")
#define RFP_D_BATCH_COLUMN    "RFP-BATCH-COLUMN", RFP_WARNING, RFP_OK, 0, \
	N_("column '%s' is not used"), \
	N_("see the portfolio columns in rfpgen(1)")
#define RFP_D_BATCH_COLUMN_MORE "RFP-BATCH-COLUMN-MORE", RFP_NOTE, RFP_OK, 0, \
	N_("%u more columns are not used"), \
	N_("see the portfolio columns in rfpgen(1)")
#define RFP_D_BATCH_COLUMN_NEAR "RFP-BATCH-COLUMN-NEAR", RFP_ERROR, RFP_ERR_INVALID, 3, \
	N_("column '%s' is not one rfpgen reads; did you mean '%s'? (or --ignore-column '%s')"), \
	N_("rename the column, or give --ignore-column NAME if it is meant for something else")
#define RFP_D_BATCH_ROW       "RFP-BATCH-ROW", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("%s"), \
	N_("fix the row and run again")
#define RFP_D_ROW_TYPE        "RFP-ROW-TYPE", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 委外類型: unknown type '%s'; valid: %s"), \
	N_("write one of the four types in the column")
#define RFP_D_ROW_LEVEL       "RFP-ROW-LEVEL", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 防護需求等級: unknown level '%s'; valid: %s"), \
	N_("write 普, 中 or 高 in the column")
#define RFP_D_ROW_SERVICE     "RFP-ROW-SERVICE", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 服務: unknown service '%s'; valid: %s"), \
	N_("write one or more services, separated by '、', ',' or ';'")
#define RFP_D_ROW_AGENCY_LEVEL "RFP-ROW-AGENCY-LEVEL", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 機關資安責任等級: unknown level '%s'; valid: %s"), \
	N_("write A, B, C, D or E in the column")
#define RFP_D_ROW_LEVEL_UNUSED "RFP-ROW-LEVEL-UNUSED", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column %s: the row has a level but no 委外類型: a service annex has no protection level"), \
	N_("fill 委外類型 for a system annex, or empty the level cells of a service-only row")
#define RFP_D_ROW_RATING      "RFP-ROW-RATING", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column %s: unknown rating '%s'; give all four ratings (%s)"), \
	N_("give 防護需求等級, or all four ratings 機密性, 完整性, 可用性, 法律遵循性")
#define RFP_D_ROW_BOTH        "RFP-ROW-BOTH", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("the row has a level (%s) and ratings; give one or the other"), \
	N_("empty the level cell or the four rating cells, as the command line takes --level or --impact")
#define RFP_D_ROW_EMPTY_CELL  "RFP-ROW-EMPTY-CELL", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column %s is empty in this row"), \
	N_("fill the cell, or give the value for every row on the command line (--type, --level)")
#define RFP_D_ROW_AMOUNT      "RFP-ROW-AMOUNT", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 契約金額: '%s' is not a whole number of NT dollars"), \
	N_("write the amount as 12000000, 12,000,000 or NT$12,000,000")
#define RFP_D_ROW_OUTPUT      "RFP-ROW-OUTPUT", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("column 輸出檔名: '%s' must end in .docx, .odt or .pdf"), \
	N_("name the file .docx, .odt or .pdf")
#define RFP_D_ROW_FORMAT      "RFP-ROW-FORMAT", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("the output '%s' and %s disagree on the format (%s)"), \
	N_("make the output name, --format and the template name one format")
#define RFP_D_ROW_TEMPLATE_FORMAT "RFP-ROW-TEMPLATE-FORMAT", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("the template %s is a %s package, but the output '%s' is %s"), \
	N_("use a template of the output's format, or name the output after the template's")
#define RFP_D_ROW_TEMPLATE    "RFP-ROW-TEMPLATE", RFP_ERROR, RFP_ERR_TEMPLATE, 7, \
	N_("the template could not be loaded: %s"), \
	N_("fix the template: rfpgen inspect TEMPLATE lists its errors")
#define RFP_D_ROW_TEMPLATES   "RFP-ROW-TEMPLATES", RFP_ERROR, RFP_ERR_LIMIT, 7, \
	N_("more than %d different templates in one batch"), \
	N_("split the portfolio")
#define RFP_D_ROW_DUPLICATE   "RFP-ROW-DUPLICATE", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("output name '%s' is already used by row %u (letter case aside)"), \
	N_("give each row a distinct 系統編號 or 輸出檔名")
#define RFP_D_ROW_NAME_LONG   "RFP-ROW-NAME-LONG", RFP_ERROR, RFP_ERR_INVALID, 7, \
	N_("the file name '%s' is %zu bytes long; a file system takes at most %d"), \
	N_("shorten 輸出檔名 or 系統編號: the name with its extension, and -機關自行辦理事項 for the agency's document, must fit in 255 bytes")

/* ---- PDF through LibreOffice (output/pdf.c) ---- */
#define RFP_D_PDF_MISSING     "RFP-PDF-MISSING", RFP_ERROR, RFP_ERR_UNAVAILABLE, 8, \
	N_("PDF output needs LibreOffice, and %s was not found"), \
	N_("install LibreOffice Writer (Debian: apt-get install libreoffice-writer-nogui), or point RFPGEN_SOFFICE at its soffice program; DOCX and ODT need nothing more")
#define RFP_D_PDF_TEMP        "RFP-PDF-TEMP", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot prepare the PDF conversion in %s: %s"), \
	N_("point TMPDIR at a directory you can write to, with some free space")
#define RFP_D_PDF_CONVERT     "RFP-PDF-CONVERT", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("LibreOffice could not convert the annex to PDF: %s"), \
	N_("check that LibreOffice Writer is installed (libreoffice-writer-nogui) and that 'soffice --headless --convert-to pdf' works on the DOCX or ODT")
#define RFP_D_PDF_TIMEOUT     "RFP-PDF-TIMEOUT", RFP_ERROR, RFP_ERR_LIMIT, 6, \
	N_("LibreOffice did not finish the PDF in %u s and was stopped"), \
	N_("the machine may be overloaded; run again, or write DOCX or ODT and convert it later")
#define RFP_D_PDF_INTERRUPTED "RFP-PDF-INTERRUPTED", RFP_ERROR, RFP_ERR_IO, 130, \
	N_("the PDF conversion was interrupted; LibreOffice was stopped and its files removed"), \
	N_("run the command again to make the PDF")
#define RFP_D_PDF_STANDARD    "RFP-PDF-STANDARD", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("--pdf-standard: '%s'; valid: pdfa-2b, none"), \
	N_("pdfa-2b (the default) makes an archival PDF/A-2b; none a plain PDF")
#define RFP_D_PDF_EPOCH       "RFP-PDF-EPOCH", RFP_WARNING, RFP_OK, 0, \
	N_("SOURCE_DATE_EPOCH: a colour profile in the PDF keeps the time of the conversion, so two runs may differ"), \
	N_("the PDF is complete and valid; this happens only when LibreOffice writes a file layout rfpgen does not know (see docs/pdf.md)")

/* ---- returned annexes (rfpgen review) ---- */
#define RFP_D_REVIEW_FORMAT   "RFP-REVIEW-FORMAT", RFP_ERROR, RFP_ERR_INVALID, 4, \
	N_("not a Word or ODF text document: word/document.xml or content.xml is missing"), \
	N_("review reads the .docx or .odt annex a bidder returns")
#define RFP_D_REVIEW_NOT_ANNEX "RFP-REVIEW-NOT-ANNEX", RFP_ERROR, RFP_ERR_INVALID, 4, \
	N_("not an annex rfpgen wrote: it has neither an issued-annex manifest nor checklist controls"), \
	N_("review the annex a bidder returned; give the annex as issued with --against ORIGINAL if the bidder retyped it")
#define RFP_D_REVIEW_NO_MANIFEST "RFP-REVIEW-NO-MANIFEST", RFP_ERROR, RFP_ERR_INVALID, 4, \
	N_("the annex has checklist controls but its issued-annex manifest is gone"), \
	N_("give the annex as issued with --against ORIGINAL; its manifest is then used")
#define RFP_D_REVIEW_MANIFEST "RFP-REVIEW-MANIFEST", RFP_ERROR, RFP_ERR_INVALID, 4, \
	N_("the issued-annex manifest cannot be used: %s"), \
	N_("give the annex as issued with --against ORIGINAL; its manifest is then used")
#define RFP_D_REVIEW_AGENCY   "RFP-REVIEW-AGENCY", RFP_ERROR, RFP_ERR_INVALID, 4, \
	N_("this is the agency's own checklist (機關自行辦理事項檢核表), not an annex for bidders"), \
	N_("review the annexes the bidders return")
#define RFP_D_REVIEW_AGAINST  "RFP-REVIEW-AGAINST", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("--against %s: not an annex with its issued-annex manifest"), \
	N_("give the annex as rfpgen wrote it for this tender")
#define RFP_D_REVIEW_OPEN     "RFP-REVIEW-OPEN", RFP_WARNING, RFP_OK, 9, \
	N_("%zu of %zu returned annexes are not complete: items unanswered, requirement text altered, or checklist rows added or deleted"), \
	N_("the report lists each problem; docs/review.md says what each one means")
#define RFP_D_REVIEW_XLSX     "RFP-REVIEW-XLSX", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot write the bidder matrix: %s"), \
	N_("check that TMPDIR and the output directory exist and that you can write to them")
#define RFP_D_REVIEW_TEMPLATE "RFP-REVIEW-TEMPLATE", RFP_ERROR, RFP_ERR_TEMPLATE, 4, \
	N_("not a review template: %s"), \
	N_("use the shipped templates/review.docx or review.odt, or a copy of it")

/* ---- the command line ---- */
#define RFP_D_USAGE           "RFP-USAGE", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("%s"), \
	N_("see 'rfpgen --help'")
#define RFP_D_BASELINE_UNVERIFIED "RFP-BASELINE-UNVERIFIED", RFP_WARNING, RFP_OK, 0, \
	N_("the baseline is not verified against the official text of 附表十"), \
	N_("use it to see what may change; issue annexes from the 2021 baseline until it is checked")
#define RFP_D_REPORT          "RFP-REPORT", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot write the report there: %s"), \
	N_("give --report a file in a directory you can write to")
#define RFP_D_BATCH_SHARD     "RFP-BATCH-SHARD", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("--shard: '%s' is not K/N, two whole numbers with 1 <= K <= N <= %u"), \
	N_("run the shards --shard 1/N to --shard N/N; docs/batch.md shows K from GNU parallel, Slurm and Kubernetes")
#define RFP_D_TTY             "RFP-TTY", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("standard output is a terminal; a %s package would garble it"), \
	N_("redirect it, '-o - > annex.docx', or give -o FILE")
#define RFP_D_DATA_DIR        "RFP-DATA-DIR", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("no rfpgen data directory: %s"), \
	N_("point --data-dir or RFPGEN_DATA_DIR at rfpgen's data directory")

/* ---- rfpgen serve: the server and its JSON API (docs/api.md) ---- */
#define RFP_D_SERVE_LISTEN    "RFP-SERVE-LISTEN", RFP_ERROR, RFP_ERR_IO, 5, \
	N_("cannot listen on %s: %s"), \
	N_("choose a free port (--listen 127.0.0.1:8081), or an address of this machine")
#define RFP_D_SERVE_ADDRESS   "RFP-SERVE-ADDRESS", RFP_ERROR, RFP_ERR_USAGE, 2, \
	N_("--listen: '%s' is not HOST:PORT"), \
	N_("write 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:8080 (every address: see docs/serve.md first)")
#define RFP_D_SERVE_EXPOSED   "RFP-SERVE-EXPOSED", RFP_WARNING, RFP_OK, 0, \
	N_("listening on %s, which other machines can reach: rfpgen serve has no authentication of its own"), \
	N_("put it behind the agency's reverse proxy with single sign-on (docs/serve.md), or listen on 127.0.0.1")
#define RFP_D_SERVE_WEB       "RFP-SERVE-WEB", RFP_WARNING, RFP_OK, 0, \
	N_("no pages in %s: only the API is served"), \
	N_("reinstall rfpgen's data files, or point --data-dir at a directory with web/")
#define RFP_D_SERVE_NOT_FOUND "RFP-SERVE-NOT-FOUND", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("no page or endpoint %s"), \
	N_("docs/api.md lists the endpoints; the pages start at /")
#define RFP_D_SERVE_METHOD    "RFP-SERVE-METHOD", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("%s is not allowed on %s; allowed: %s"), \
	N_("docs/api.md gives the method of each endpoint")
#define RFP_D_SERVE_MEDIA     "RFP-SERVE-MEDIA", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("a body of type '%s' is not accepted by %s; send %s"), \
	N_("send JSON with Content-Type: application/json, or files as multipart/form-data")
#define RFP_D_SERVE_TOO_LARGE "RFP-SERVE-TOO-LARGE", RFP_ERROR, RFP_ERR_LIMIT, 0, \
	N_("the request is larger than the limit of %zu bytes"), \
	N_("send a smaller file; the server's --max-upload sets the limit")
#define RFP_D_SERVE_BUSY      "RFP-SERVE-BUSY", RFP_ERROR, RFP_ERR_LIMIT, 0, \
	N_("the server is handling %u requests, its limit"), \
	N_("try again in a moment; the server's --max-requests sets the limit")
#define RFP_D_SERVE_TIMEOUT   "RFP-SERVE-TIMEOUT", RFP_ERROR, RFP_ERR_LIMIT, 0, \
	N_("the request took longer than %u seconds"), \
	N_("send the request again on a faster connection; the server's --request-timeout sets the limit")
#define RFP_D_SERVE_CROSS_SITE "RFP-SERVE-CROSS-SITE", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("a request from another site (%s) is refused"), \
	N_("use the pages this server serves, or call the API without a browser")
#define RFP_D_SERVE_JSON      "RFP-SERVE-JSON", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("the request is not valid JSON: %s (line %d, column %d)"), \
	N_("send one JSON object in UTF-8, as docs/api.md shows")
#define RFP_D_SERVE_KEY       "RFP-SERVE-KEY", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("%s: unknown key '%s'%s"), \
	N_("docs/api.md lists the keys of each request")
#define RFP_D_SERVE_VALUE     "RFP-SERVE-VALUE", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("%s: %s"), \
	N_("docs/api.md gives the valid values of each key")
#define RFP_D_SERVE_MISSING   "RFP-SERVE-MISSING", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("%s is required"), \
	N_("docs/api.md lists the keys each request needs")
#define RFP_D_SERVE_UPLOAD    "RFP-SERVE-UPLOAD", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("the form has no file in its '%s' field"), \
	N_("send the file as multipart/form-data in the field docs/api.md names")
#define RFP_D_SERVE_FIELD     "RFP-SERVE-FIELD", RFP_ERROR, RFP_ERR_USAGE, 0, \
	N_("the form field '%s' is not one of %s"), \
	N_("send only the fields docs/api.md names for this endpoint")
#define RFP_D_SERVE_UNAVAILABLE "RFP-SERVE-UNAVAILABLE", RFP_ERROR, RFP_ERR_UNAVAILABLE, 0, \
	N_("%s is not available on this server: %s"), \
	N_("ask the server's administrator to install what the message names and restart rfpgen serve")
#define RFP_D_SERVE_INTERNAL  "RFP-SERVE-INTERNAL", RFP_ERROR, RFP_ERR_NOMEM, 1, \
	N_("the server could not answer: %s"), \
	N_("try again; if it persists, the server's log on standard error says more")

/* The fields of an entry, as constants, for code that prints a message
 * itself (the command line's usage errors). */
#define RFP_DIAG_APPLY_(f, ...) f(__VA_ARGS__)
#define RFP_DIAG_CODE_(code, sev, st, exit, fmt, hint) code
#define RFP_DIAG_HINT_(code, sev, st, exit, fmt, hint) hint
#define RFP_DIAG_FMT_(code, sev, st, exit, fmt, hint) fmt
#define rfp_diag_code(ID) RFP_DIAG_APPLY_(RFP_DIAG_CODE_, RFP_D_##ID)
#define rfp_diag_fmt(ID) RFP_DIAG_APPLY_(RFP_DIAG_FMT_, RFP_D_##ID)
#define rfp_diag_table_hint(ID) RFP_DIAG_APPLY_(RFP_DIAG_HINT_, RFP_D_##ID)

/** Reports one diagnostic; returns the entry's status. */
#define rfp_diag(ctx, ID, ...) rfp_diag_emit((ctx), NULL, RFP_D_##ID, __VA_ARGS__)
/** rfp_diag() with a more specific hint than the table's (NULL: the table's). */
#define rfp_diag_hint(ctx, ID, hint, ...) rfp_diag_emit((ctx), (hint), RFP_D_##ID, __VA_ARGS__)

/** Appends the message of a diagnostic and its code, "… [RFP-…]", to b:
 * for messages kept as text (a batch row's reason). */
#define rfp_diag_format(b, ID, ...) rfp_diag_format_((b), RFP_D_##ID, __VA_ARGS__)

struct rfp_buf;
struct rfp_ctx;
struct rfp_where;

void rfp_diag_format_(struct rfp_buf *b, const char *code, enum rfp_severity sev,
    enum rfp_status st, int exit_status, const char *fmt, const char *table_hint, ...)
    __attribute__((format(printf, 6, 8)));
enum rfp_status rfp_diag_emit(struct rfp_ctx *ctx, const char *hint, const char *code,
    enum rfp_severity sev, enum rfp_status st, int exit_status, const char *fmt,
    const char *table_hint, const struct rfp_where *where, ...)
    __attribute__((format(printf, 7, 10)));

#endif
