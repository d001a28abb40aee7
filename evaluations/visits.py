"""Whether each of the five steps of a field visit (听 查 看 访 评) has been recorded."""


def stages_done(visit) -> dict[str, bool]:
    return {
        "listen": bool(visit.listen_notes.strip()),
        "check": visit.checks.exclude(finding="").exists(),
        "look": None not in (visit.signs_match, visit.posts_match, visit.people_in_place),
        "visit": visit.ballots_handed_out is not None and visit.interviews.exists(),
        "judge": bool(visit.judgement.strip()),
    }
