"""The write pipeline: one door for every event that enters a timeline (docs/identity.md).

input → :mod:`~timeline.write.draft` (keywords, files and the command line become drafts) →
:mod:`~timeline.write.names` (the identity rule for entities, places and documents) →
:mod:`~timeline.write.pipeline` (matching a draft to a stored event, updates through claims) →
:mod:`~timeline.write.new` (new events with their claims, versions and revisions, written in
chunks of plain tuples by :mod:`~timeline.write.rows`).
"""
