#!/usr/bin/python3
"""The SQLite floor for scenario (e): the same NDJSON records inserted into a table shaped like
the mirror's (primary key on connection and id), in one transaction, with Python's sqlite3.
Usage: sqlite_floor.py DB NDJSON"""
import re
import sqlite3
import sys

ID = re.compile(rb'^\{"id":"?(\d+)')

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE persons(connection TEXT NOT NULL, id NOT NULL, record TEXT NOT NULL, "
           "PRIMARY KEY(connection, id))")
with db, open(sys.argv[2], "rb") as lines:
    db.executemany("INSERT INTO persons VALUES('pipedrive', ?, ?)",
                   ((int(ID.match(line).group(1)), line.rstrip(b"\n").decode()) for line in lines))
db.close()
