"""Pages of 评星定级 for staff, by subject: ``schemes``, ``rounds``, ``assessments`` and
``follow_up`` (objections, star records, 整改); ``common`` holds what they share. Views stay thin:
every change goes through ``evaluation.services``. ``urls.py`` names each module's views."""
