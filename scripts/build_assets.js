// Builds the front-end assets into audit_app/static/build/ (git-ignored):
// GOV.UK Frontend's Sass compiled with a system font stack (this is a council
// and NHS service, not GOV.UK: no GDS Transport), and its JavaScript bundle.
const fs = require("fs");
const path = require("path");
const sass = require("sass");

const root = path.resolve(__dirname, "..");
const out = path.join(root, "audit_app", "static", "build");
const govuk = path.join(root, "node_modules", "govuk-frontend", "dist");

fs.mkdirSync(out, { recursive: true });

const result = sass.compile(path.join(root, "audit_app", "assets", "app.scss"), {
  loadPaths: [govuk, path.join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
fs.writeFileSync(path.join(out, "app.css"), result.css);

for (const file of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  fs.copyFileSync(path.join(govuk, "govuk", file), path.join(out, file));
}
console.log(`Built ${path.relative(root, out)}: app.css (${result.css.length} bytes), govuk-frontend.min.js`);
