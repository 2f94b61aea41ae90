#!/bin/sh
# Re-extract every translatable string and update the zh and en catalogues.
#   1. our strings (translations/babel.cfg: app/**.py, config.py, app/templates/**.html);
#   2. plus every Flask-AppBuilder msgid (its templates, Python, zh catalogue and a few
#      hard-coded strings), so `pybabel update` never marks FAB msgids obsolete;
#   3. update (or init) zh and en without fuzzy matching; en gets msgstr = msgid.
# Then translate what is listed as untranslated in translations/zh/LC_MESSAGES/messages.po
# and run `make translations` (compile).  Usage, from anywhere:  sh translations/extract.sh
set -eu
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
POT=translations/messages.pot

"$BIN/pybabel" extract -F translations/babel.cfg -k lazy_gettext -k _l \
    --add-comments=TRANSLATORS: --project=Zizhu --copyright-holder=Zizhu \
    -o "$POT" .
"$BIN/python" translations/fab_missing.py --merge-pot "$POT"
for lang in zh en; do
    if [ -f "translations/$lang/LC_MESSAGES/messages.po" ]; then
        "$BIN/pybabel" update -N -i "$POT" -d translations -l "$lang"
    else
        "$BIN/pybabel" init -i "$POT" -d translations -l "$lang"
    fi
done
"$BIN/python" translations/fab_missing.py --fill-en translations/en/LC_MESSAGES/messages.po
# Report (does not fail the run): what still needs a Chinese translation.
"$BIN/python" translations/fab_missing.py --untranslated || true
