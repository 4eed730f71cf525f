"""The Amazon States Language engine and its AWS JSON 1.0 API; imports no other package of ours."""
