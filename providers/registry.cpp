// The provider registry: filled by the Pipedrive work.
