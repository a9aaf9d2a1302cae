--
-- PostgreSQL database dump
--

\restrict s4G97SEtyzfnT4vNlIWzMSSEwgmvYq4JAqIY0FB36mXVuXm7ZF9vb83F7JoZa2I

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: sales; Type: SCHEMA; Schema: -; Owner: postgres
--

CREATE SCHEMA sales;


ALTER SCHEMA sales OWNER TO postgres;

--
-- Name: status; Type: TYPE; Schema: sales; Owner: postgres
--

CREATE TYPE sales.status AS ENUM (
    'new',
    'paid; or not',
    'shipped'
);


ALTER TYPE sales.status OWNER TO postgres;

--
-- Name: label(sales.status); Type: FUNCTION; Schema: sales; Owner: postgres
--

CREATE FUNCTION sales.label(s sales.status) RETURNS text
    LANGUAGE sql IMMUTABLE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN (s = 'new'::sales.status) THEN 'fresh'::text
             ELSE 'old'::text
         END AS "case";
END;


ALTER FUNCTION sales.label(s sales.status) OWNER TO postgres;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: orders; Type: TABLE; Schema: sales; Owner: postgres
--

CREATE TABLE sales.orders (
    id bigint NOT NULL,
    customer_id integer NOT NULL,
    status sales.status DEFAULT 'new'::sales.status NOT NULL,
    total numeric(12,2)
);


ALTER TABLE sales.orders OWNER TO postgres;

--
-- Name: TABLE orders; Type: COMMENT; Schema: sales; Owner: postgres
--

COMMENT ON TABLE sales.orders IS 'orders; one per checkout -- not a comment';


--
-- Name: order_count(integer); Type: FUNCTION; Schema: sales; Owner: postgres
--

CREATE FUNCTION sales.order_count(c integer) RETURNS bigint
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 SELECT count(*) AS count
    FROM sales.orders o
   WHERE (o.customer_id = order_count.c);
END;


ALTER FUNCTION sales.order_count(c integer) OWNER TO postgres;

--
-- Name: touch(); Type: FUNCTION; Schema: sales; Owner: postgres
--

CREATE FUNCTION sales.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
begin
  new.note := coalesce(new.note, 'touched; ' || $$quoted$$);
  return new;
end;
$_$;


ALTER FUNCTION sales.touch() OWNER TO postgres;

--
-- Name: big_orders; Type: VIEW; Schema: sales; Owner: postgres
--

CREATE VIEW sales.big_orders AS
 SELECT orders.id,
    orders.customer_id,
    orders.status,
    orders.total
   FROM sales.orders
  WHERE (orders.total > (100)::numeric);


ALTER TABLE sales.big_orders OWNER TO postgres;

--
-- Name: customer; Type: TABLE; Schema: sales; Owner: postgres
--

CREATE TABLE sales.customer (
    id integer NOT NULL,
    name text DEFAULT 'it''s; \ fine'::text NOT NULL,
    note text
);


ALTER TABLE sales.customer OWNER TO postgres;

--
-- Name: customer_id_seq; Type: SEQUENCE; Schema: sales; Owner: postgres
--

CREATE SEQUENCE sales.customer_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE sales.customer_id_seq OWNER TO postgres;

--
-- Name: customer_id_seq; Type: SEQUENCE OWNED BY; Schema: sales; Owner: postgres
--

ALTER SEQUENCE sales.customer_id_seq OWNED BY sales.customer.id;


--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: sales; Owner: postgres
--

ALTER TABLE sales.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME sales.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: customer id; Type: DEFAULT; Schema: sales; Owner: postgres
--

ALTER TABLE ONLY sales.customer ALTER COLUMN id SET DEFAULT nextval('sales.customer_id_seq'::regclass);


--
-- Name: customer customer_pkey; Type: CONSTRAINT; Schema: sales; Owner: postgres
--

ALTER TABLE ONLY sales.customer
    ADD CONSTRAINT customer_pkey PRIMARY KEY (id);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: sales; Owner: postgres
--

ALTER TABLE ONLY sales.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: orders_customer; Type: INDEX; Schema: sales; Owner: postgres
--

CREATE INDEX orders_customer ON sales.orders USING btree (customer_id);


--
-- Name: customer log_rule; Type: RULE; Schema: sales; Owner: postgres
--

CREATE RULE log_rule AS
    ON UPDATE TO sales.customer DO ( SELECT 1 AS "?column?";
 SELECT 2 AS "?column?";
);


--
-- Name: customer customer_touch; Type: TRIGGER; Schema: sales; Owner: postgres
--

CREATE TRIGGER customer_touch BEFORE INSERT ON sales.customer FOR EACH ROW EXECUTE FUNCTION sales.touch();


--
-- Name: orders orders_customer_id_fkey; Type: FK CONSTRAINT; Schema: sales; Owner: postgres
--

ALTER TABLE ONLY sales.orders
    ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES sales.customer(id);


--
-- PostgreSQL database dump complete
--

\unrestrict s4G97SEtyzfnT4vNlIWzMSSEwgmvYq4JAqIY0FB36mXVuXm7ZF9vb83F7JoZa2I

