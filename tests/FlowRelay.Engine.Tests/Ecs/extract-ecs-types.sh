#!/usr/bin/env bash
# Extracts field,type,normalization from the ECS field list (no descriptions) for the schema tests.
set -euo pipefail
src="${1:-$(dirname "$0")/../../../../shared/reference/ecs-fields.csv}"
out="$(dirname "$0")/ecs-field-types.csv"
python3 - "$src" "$out" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], 'w') as f:
    f.write('# ECS field names and types, extracted from elastic/ecs generated/csv/fields.csv (%s, Apache-2.0).\n' % rows[0]['ECS_Version'])
    f.write('# Regenerate: tests/FlowRelay.Engine.Tests/Ecs/extract-ecs-types.sh; EcsSchemaTests checks it matches ../shared/reference.\n')
    for r in rows:
        f.write('%s,%s,%s\n' % (r['Field'], r['Type'], r['Normalization']))
PY
