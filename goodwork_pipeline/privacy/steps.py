"""The name steps of a story: the third parties found in it, and staff marking names to
replace or clearing them to stay. Each change ends once the outbox follows (``ThenPublish``)."""

from __future__ import annotations

from goodwork_pipeline.models import Beeld
from goodwork_pipeline.privacy.name_cues import name_key
from goodwork_pipeline.privacy.pseudonymise import mark_names, own_names_among, staff_names
from goodwork_pipeline.privacy.story_names import StoryNames
from goodwork_pipeline.privacy.third_parties import FoundName, NameFinder, deduce_cache_dir
from goodwork_pipeline.results import StepResult, ThenPublish
from goodwork_pipeline.store.context import StepContext
from goodwork_pipeline.store.repository import Story
from goodwork_pipeline.store.texts import approved_beeld, draft_beeld


class Names:
    def __init__(self, context: StepContext):
        self.context = context

    def story_names(self, story: Story) -> StoryNames:
        """The story's third parties; the participant, interviewer and programme are not."""
        sidecar = story.sidecar
        settings = self.context.settings
        return StoryNames(
            self.context.workspace.story(story.id).root,
            NameFinder(deduce_cache_dir(settings.model_cache_dir)),
            not_third_parties=[
                sidecar.participant or "",
                sidecar.interviewer or "",
                settings.programme,
                *getattr(sidecar, "also_known_as", ()),
            ],
        )

    def names_to_replace(self, story_id: str, approved: Beeld | None) -> list[str]:
        """Every name publishing hides: those staff marked, and every third party found and
        not cleared (default deny), also one typed into the approved text."""
        story = self.context.store.story(story_id)
        marked = staff_names(self.context.workspace.story(story.id).root)
        return [*marked, *self.story_names(story).entries(approved)]

    def third_parties(self, story_id: str) -> list[tuple[FoundName, bool]]:
        """Every third party found in the story (its newest draft and approved text too),
        with whether it was cleared to stay."""
        story = self.context.store.story(story_id)
        names = self.story_names(story)
        for beeld in self._texts_of(story):
            names.find(beeld)
        kept = {name_key(name) for name in names.kept()}
        return [(item, item.key in kept) for item in names.remembered()]

    def _texts_of(self, story: Story) -> list[Beeld]:
        workspace = self.context.workspace
        beelden = []
        if story.draft_version:
            beelden.append(draft_beeld(workspace, story.id, story.draft_version))
        if story.approved_sha256:
            approved = approved_beeld(workspace, story.id, story.approved_sha256)
            if approved is not None:
                beelden.append(approved)
        return beelden

    def replace_names_again(self, story_id: str, names: list[str], *, by: str) -> ThenPublish:
        """Undo a clearance: the names are replaced in published texts again."""
        story = self.context.store.story(story_id)
        undone = self.story_names(story).replace_again(names)
        return self._names_changed(
            story.id,
            "names-replaced",
            undone,
            by=by,
            source=self.context.source,
            en=("third-party name(s) are replaced again", "replaced again"),
            nl=("Weer vervangen bij publicatie", "naam/namen weer vervangen"),
        )

    def keep_names(self, story_id: str, names: list[str], *, by: str, source: str) -> ThenPublish:
        """Clear third-party names: they stay as written when published."""
        story = self.context.store.story(story_id)
        kept = self.story_names(story).keep(names)
        return self._names_changed(
            story.id,
            "names-kept",
            kept,
            by=by,
            source=source,
            en=("third-party name(s) cleared to stay in published texts", "cleared"),
            nl=("Vrijgegeven (mag blijven staan)", "naam/namen vrijgegeven"),
        )

    def _names_changed(
        self,
        story_id: str,
        kind: str,
        names: list[str],
        *,
        by: str,
        source: str,
        en: tuple[str, str],
        nl: tuple[str, str],
    ) -> ThenPublish:
        """A change to which names are replaced: its event (when something changed), then
        publishing; the result says how many names it was, in English and Dutch."""
        if names:
            self.context.store.record_event(
                story_id,
                kind,
                actor=by,
                source=source,
                message=f"{len(names)} {en[0]}",
                message_nl=f"{nl[0]}: {', '.join(names)}",
                detail={kind.removeprefix("names-"): names},
            )
        return ThenPublish(
            story_id,
            lambda published: StepResult(
                published.ok,
                story_id,
                f"{len(names)} name(s) {en[1]}; {published.message}",
                f"{len(names)} {nl[1]}" if names else "Niets veranderd",
                published.outputs,
                {kind.removeprefix("names-"): names},
            ),
        )

    def pseudonymise(self, story_id: str, names: list[str]) -> ThenPublish | StepResult:
        """Staff mark third-party names; the outbox is brought in line at once. The
        participant's own name is refused (a result that says so)."""
        context = self.context
        story = context.store.story(story_id)
        own = own_names_among(names, story.sidecar)
        if own:
            return StepResult(
                False,
                story.id,
                f"'{own[0]}' is the participant's own name; it is shown only as they choose "
                "in the returned draft, never replaced as a third party's. Nothing was marked.",
                f"'{own[0]}' is de naam van de deelnemer zelf. Die tonen we zoals de deelnemer "
                "kiest in het concept, en vervangen we niet als naam van een ander. Er is niets "
                "gemarkeerd.",
            )
        added = mark_names(context.workspace.story(story.id).root, names)
        if added:
            context.store.record_event(
                story.id,
                "pseudonymise",
                actor=context.actor,
                source=context.source,
                message=f"{len(added)} name(s) marked for pseudonymisation by staff",
                message_nl=f"{len(added)} naam/namen gemarkeerd om te vervangen",
            )
        return ThenPublish(
            story.id,
            lambda published: StepResult(
                published.ok,
                story.id,
                f"{len(added)} new name(s) marked; {published.message}",
                f"{len(added)} nieuwe naam/namen; geldt voor nieuwe concepten en de outbox",
                published.outputs,
                {"added": len(added)},
            ),
        )
