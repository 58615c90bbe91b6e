"""The resident's rights (PIPL): /mydata sends everything held, /forget deletes it, withdrawing consent deletes what it allowed."""
