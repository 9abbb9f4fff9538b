"""The policy knowledge base: loading, validation and queries. Never imports rasa_sdk."""
