"""What several zones share over HTTP, kept outside every zone.

A zone package (``reporter``, ``respondent``, ``investigator``, ``admin``)
holds the views of one kind of visitor; what two or three of them need
(receiving streamed uploads, keeping a post that outlived its session) lives
here, so that no zone imports another and each zone's code says only what
that zone does. Like the views, these modules are thin: the work is done by
services (``services.cases.file_encryption``, ``services.codes.held``).
"""
