--
-- PostgreSQL database dump
--

\restrict rIpxuIAV6BpjY58xyenzSkQin5aSVU0dUa8gAzAswSQ6ks0VQpSWKBifNRMwnKI

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
-- Data for Name: customer; Type: TABLE DATA; Schema: sales; Owner: postgres
--

COPY sales.customer (id, name, note) FROM stdin;
1	Ada	line1\nline2\ttab \\ back
2	Bob	touched; quoted
\.


--
-- Data for Name: orders; Type: TABLE DATA; Schema: sales; Owner: postgres
--

COPY sales.orders (id, customer_id, status, total) FROM stdin;
1	1	paid; or not	10.00
2	1	new	200.00
3	2	shipped	\N
\.


--
-- Name: customer_id_seq; Type: SEQUENCE SET; Schema: sales; Owner: postgres
--

SELECT pg_catalog.setval('sales.customer_id_seq', 2, true);


--
-- Name: orders_id_seq; Type: SEQUENCE SET; Schema: sales; Owner: postgres
--

SELECT pg_catalog.setval('sales.orders_id_seq', 3, true);


--
-- PostgreSQL database dump complete
--

\unrestrict rIpxuIAV6BpjY58xyenzSkQin5aSVU0dUa8gAzAswSQ6ks0VQpSWKBifNRMwnKI

