import './fonttest.css';
