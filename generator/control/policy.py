"""Release policy: the organisation's own rules for releases, read from organisation.yaml.

```yaml
releases:
  main_branch: main        # releases only from (and reachable from) this branch
  require_signed: false    # true: every release tag must carry a valid signature by a key
                           # registered to the tagger (people[].gpg_keys / ssh_keys)
  signed_since: 2025-01-01 # optional: releases tagged before this date need no signature
  require_review: true     # every released change needs a Reviewed-by: by someone else
  published_record: ../site/versions/versions.json  # optional: the published site's record
                           # of released tags (`cems publish` writes it); checked every time
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from generator.content.model import Model
from generator.core.dates import parse_day

DEFAULT_MAIN_BRANCH = "main"


@dataclass(frozen=True)
class ReleasePolicy:
    main_branch: str = DEFAULT_MAIN_BRANCH
    require_signed: bool = False
    require_review: bool = True
    signed_since: date | None = None  # None: every release
    published_record: str = ""  # path of a published versions.json; "" = none

    def signature_required(self, tag_time: datetime) -> bool:
        """Whether a release tagged at `tag_time` (on its own day) must be signed."""
        since = self.signed_since
        return self.require_signed and (since is None or tag_time.date() >= since)


def release_policy(model: Model) -> ReleasePolicy:
    data = model.organisation.data.get("releases") or {}
    if not isinstance(data, dict):
        return ReleasePolicy()
    return ReleasePolicy(
        main_branch=str(data.get("main_branch") or DEFAULT_MAIN_BRANCH),
        require_signed=bool(data.get("require_signed", False)),
        require_review=bool(data.get("require_review", True)),
        signed_since=parse_day(data.get("signed_since")),
        published_record=str(data.get("published_record") or ""),
    )
