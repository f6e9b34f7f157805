// Static parts of the HTML report: the stylesheet and the small script (findings filter). Inline only:
// the page is one file that opens offline, and its Content-Security-Policy forbids every network fetch.

export const CSS = `
:root{--fg:#1d2330;--dim:#667085;--bg:#fff;--panel:#f6f7f9;--line:#e3e6eb;--cached:#2e9d6a;--uncached:#f0a23b;--break:#d92d20;--lost:#fde2df;--kept:#d7f2e4;--link:#1d5fd1}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px 8px;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:20px}
h2{font-size:16px;margin:28px 0 10px}
h3{font-size:14px;margin:18px 0 6px;font-weight:600;word-break:break-all}
main{padding:0 28px 40px;max-width:1200px}
.dim{color:var(--dim)}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px 14px;min-width:130px}
.card .v{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.card .k{font-size:12px;color:var(--dim)}
.card.bad .v{color:var(--break)}
.chart,.strip{width:100%;max-width:900px;height:auto;display:block}
.grid{stroke:var(--line);stroke-width:1}
.axis{font-size:11px;fill:var(--dim)}
.cached{fill:var(--cached)}
.uncached{fill:var(--uncached)}
.break{fill:var(--break)}
.reported{fill:none;stroke:#344054;stroke-width:1.5;stroke-dasharray:4 3}
.kept{fill:var(--kept)}
.lost{fill:var(--lost)}
.pt{fill:var(--break);fill-opacity:.8;stroke:#fff;stroke-width:1}
.legend{display:flex;gap:16px;font-size:12px;color:var(--dim);margin:4px 0 0}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.loc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all;width:22%}
#findings td:nth-child(4){width:34%}
#findings td:nth-child(5){width:26%}
h4{font-size:13px;margin:14px 0 4px}
code,.ev{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.ev{background:var(--panel);border-radius:4px;padding:1px 4px;word-break:break-word}
del{background:#fde2df;color:#912018;text-decoration:line-through}
ins{background:#d7f2e4;color:#05603a;text-decoration:none}
.sev{font-weight:600;text-transform:uppercase;font-size:11px}
.sev-error{color:var(--break)}.sev-warning{color:#b54708}.sev-info{color:var(--dim)}
a{color:var(--link)}
.lineage{border:1px solid var(--line);border-radius:8px;padding:4px 16px 12px;margin:12px 0}
.filter{margin:0 0 8px;padding:5px 8px;width:320px;max-width:100%;border:1px solid var(--line);border-radius:6px}
.placeholder{border:1px dashed var(--line);border-radius:8px;padding:10px 14px;color:var(--dim)}
`;

/** Filters the findings table as the reader types. Written for plain DOM so it needs nothing else. */
export const SCRIPT = `
(function(){
  var input=document.getElementById('findings-filter');
  var rows=document.querySelectorAll('#findings tbody tr');
  var shown=document.getElementById('findings-shown');
  if(!input||!shown)return;
  input.addEventListener('input',function(){
    var q=input.value.toLowerCase();var n=0;
    for(var i=0;i<rows.length;i++){var ok=!q||rows[i].textContent.toLowerCase().indexOf(q)>=0;rows[i].hidden=!ok;if(ok)n++;}
    shown.textContent=String(n);
  });
})();
`;
