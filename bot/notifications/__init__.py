"""The notifications outbox: messages to users that answer nobody's update, delivered once by their channel."""
