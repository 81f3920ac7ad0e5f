"""The project's HTTP plumbing, shared by every app: safe `next` URLs, error pages, request guards, throttling,
database-fault recovery and CSV responses. It knows nothing of study, cohorts or the catalog."""
