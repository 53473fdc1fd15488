/**
 * The {@code ledger} handler: accounts and transfers in an SQLite database file, where a reply
 * is sent only once its change is durable. SQLite is reached through {@code java.sql} alone; the
 * driver ({@code org.xerial.sqlitejdbc}) is found by {@code DriverManager} at run time.
 */
module dev.pipelab.ledger {
    requires transitive dev.pipelab.api;
    requires java.sql;
    requires org.slf4j;

    exports dev.pipelab.ledger;
}
